package contract_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
)

// The routes page puts each rate limit of a route on a line of its own,
// not all in one run-on paragraph.
func TestRoutesPageLimitsOnLinesOfTheirOwn(t *testing.T) {
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.With(ratelimit.Limit(600, time.Minute), ratelimit.Limit(5, time.Minute)).
		Get("/x", func(http.ResponseWriter, *http.Request) {})
	var b strings.Builder
	if err := contract.Of(r).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	want := `counted by principal (client IP for anonymous callers).<br>Rate limit &#34;5-per-1m&#34;`
	if !strings.Contains(b.String(), want) {
		i := strings.Index(b.String(), "Rate limits")
		t.Errorf("the two limits are not on lines of their own:\n%s", b.String()[i:min(len(b.String()), i+400)])
	}
}

// A header name in the routes page's answers never breaks at its hyphens
// ("X-" on one line, "Request-Id" on the next).
func TestRoutesPageHeaderNamesDoNotBreak(t *testing.T) {
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID)
	r.Get("/x", func(http.ResponseWriter, *http.Request) {})
	var b strings.Builder
	if err := contract.Of(r).WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<span class="nowrap">X-Request-Id</span>`) ||
		!strings.Contains(b.String(), ".nowrap{white-space:nowrap}") {
		t.Error("X-Request-Id is not kept on one line")
	}
}
