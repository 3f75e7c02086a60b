package middleware

import (
	"net/http"
	"sync"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// The X-Request-Id header value is the handler's to change; the request's
// ID, as GetReqID returns it, is not. Behind the problem writer the header
// value and the ID share the state's memory, so rewriting the header's
// element in place must neither change the ID nor race with a sub-request
// reading it on another goroutine.
func TestRewrittenRequestIDHeaderKeepsTheID(t *testing.T) {
	for _, incoming := range []string{"", "client-id"} {
		var before, after string
		var wg sync.WaitGroup
		h := (&problem.Writer{}).Handler(RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			before = chimw.GetReqID(r.Context())
			wg.Go(func() { _ = chimw.GetReqID(r.Context()) })
			w.Header()[RequestIDHeader][0] = "rewritten"
			wg.Wait()
			after = chimw.GetReqID(r.Context())
		})))
		req := testkit.Request("GET", "/", "")
		if incoming != "" {
			req.Header.Set(RequestIDHeader, incoming)
		}
		rec := testkit.Serve(h, req)
		if after != before || before == "rewritten" || before == "" {
			t.Errorf("incoming %q: GetReqID %q before the rewrite, %q after", incoming, before, after)
		}
		if got := rec.Header().Get(RequestIDHeader); got != "rewritten" {
			t.Errorf("incoming %q: header %q", incoming, got)
		}
	}
}
