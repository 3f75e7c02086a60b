package middleware

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	chimw "github.com/go-chi/chi/v5/middleware"
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

// A handler that gives up without writing when its request's context ends
// leaves the answer to the middleware that ended it: chi's Timeout sends
// its 504, which an empty 200 of Conditional's would replace.
func TestConditionalLeavesTheAnswerOfAHandlerWhoseContextEnded(t *testing.T) {
	giveUp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	for _, header := range []string{"", `If-Match: "v2"`} {
		rec := testkit.Serve(chimw.Timeout(0)(Conditional(giveUp)), testkit.Request("GET", "/", "", header))
		if rec.Code != http.StatusGatewayTimeout {
			t.Errorf("%q: status %d, want chi Timeout's 504", header, rec.Code)
		}
	}
}
