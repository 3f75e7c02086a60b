package middleware

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A handler that sets its validators and returns without writing answers
// the empty 200 net/http sends for it: its preconditions count all the same.
func TestConditionalJudgesAHandlerThatWritesNothing(t *testing.T) {
	tagged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Etag", `"v1"`)
	})
	silent := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, c := range []struct {
		name   string
		h      http.Handler
		method string
		header string
		want   int
	}{
		{"GET If-None-Match match", tagged, "GET", `If-None-Match: "v1"`, http.StatusNotModified},
		{"HEAD If-None-Match match", tagged, "HEAD", `If-None-Match: "v1"`, http.StatusNotModified},
		{"GET If-Match miss", tagged, "GET", `If-Match: "v2"`, http.StatusPreconditionFailed},
		{"GET If-Match match", tagged, "GET", `If-Match: "v1"`, http.StatusOK},
		{"GET no validators, If-Match miss", silent, "GET", `If-Match: "v2"`, http.StatusPreconditionFailed},
		{"HEAD no validators", silent, "HEAD", `If-Match: "v2"`, http.StatusOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := testkit.Serve(Conditional(c.h), testkit.Request(c.method, "/", "", c.header))
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d", rec.Code, c.want)
			}
		})
	}
}
