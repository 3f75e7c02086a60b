package middleware_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// panickingMember is an extension value whose MarshalJSON panics, as a
// nil map or an index out of range inside it would.
type panickingMember struct{}

func (panickingMember) MarshalJSON() ([]byte, error) { panic("the member cannot render") }

// A problem whose extension member panics as it renders is a bug in the
// code that built it: the writer renders the body before it commits a
// status or a header, so the panic reaches Recoverer before the response
// started, and the client gets Recoverer's 500, headers of its own, rather
// than a status line and a dropped connection.
func TestAProblemThatPanicsAsItRendersIsRecoveredAsA500(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	h := pw.Handler(middleware.Recoverer(problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return problem.QuotaExceeded("Slow down.").WithHeader("Retry-After", "30").With("quota", panickingMember{})
	})))
	testkit.GetOverHTTP1And2(t, h, nil, func(t *testing.T, resp *http.Response, body []byte) {
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil || resp.StatusCode != http.StatusInternalServerError || p["status"] != 500.0 {
			t.Fatalf("status %d, headers %v, body %q (%v)", resp.StatusCode, resp.Header, body, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || resp.Header.Get("Retry-After") != "" {
			t.Errorf("Content-Type %q, Retry-After %q: the 500 carries the 429's headers", ct, resp.Header.Get("Retry-After"))
		}
	})
}

// The same panic, with no Recoverer to answer it, leaves the response
// untouched: no status, no header of the problem that did not render.
func TestWriteThatPanicsAsItRendersWritesNothing(t *testing.T) {
	rec := httptest.NewRecorder()
	func() {
		defer func() { _ = recover() }()
		problem.Write(rec, httptest.NewRequest("GET", "/", nil), problem.Conflict("").With("quota", panickingMember{}))
	}()
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || len(rec.Header()) != 0 {
		// httptest's Code stays 200 until WriteHeader
		t.Fatalf("status %d, headers %v, body %q", rec.Code, rec.Header(), rec.Body)
	}
	if _, err := io.ReadAll(rec.Result().Body); err != nil {
		t.Fatal(err)
	}
}
