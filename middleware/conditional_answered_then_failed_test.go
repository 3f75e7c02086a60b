package middleware_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// Once Conditional has answered a handler's tagged 200 with a 304 or a 412,
// an error the handler returns after it cannot be sent: the problem writer
// says so in its log, rather than log the problem as the answer, and the
// answer that went out is left as it was.
func TestErrorAfterConditionalAnsweredIsLoggedAsNotSent(t *testing.T) {
	for _, tt := range []struct {
		header string
		status int
	}{
		{`If-None-Match: "v2"`, http.StatusNotModified},
		{`If-Match: "v1"`, http.StatusPreconditionFailed},
	} {
		t.Run(tt.header, func(t *testing.T) {
			var logs bytes.Buffer
			pw := &problem.Writer{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
			h := pw.Handler(middleware.Conditional(problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				w.Header().Set("Etag", `"v2"`)
				w.Write([]byte(`{"rows":[1,`))
				return errors.New("the database went away")
			})))
			rec := testkit.Serve(h, testkit.Request("GET", "/report", "", tt.header))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			sent := rec.Result().Header // as at WriteHeader: rec.Header() is the live map
			if tt.status == http.StatusNotModified && (rec.Body.Len() != 0 || sent.Get("Etag") != `"v2"`) {
				t.Errorf("304 with ETag %q and body %q", sent.Get("Etag"), rec.Body)
			}
			if tt.status == http.StatusPreconditionFailed && !strings.Contains(rec.Body.String(), `"status":412`) {
				t.Errorf("412 body %s", rec.Body)
			}
			if !strings.Contains(logs.String(), "problem not sent") || !strings.Contains(logs.String(), "the database went away") {
				t.Errorf("the handler's error is not logged as not sent: %s", logs.String())
			}
		})
	}
}

// After a hijack through Conditional the connection is the handler's: a
// write on the writer fails with http.ErrHijacked, as net/http's does,
// rather than report bytes sent that went nowhere.
func TestConditionalWriteAfterHijackFails(t *testing.T) {
	for _, before := range []string{"", "part of a body"} {
		hj := testkit.NewHijackable()
		var werr error
		var n int
		h := middleware.Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if before != "" {
				w.Write([]byte(before)) // held back to be hashed
			}
			if _, _, err := http.NewResponseController(w).Hijack(); err != nil {
				t.Fatalf("hijack: %v", err)
			}
			n, werr = w.Write([]byte("late"))
		}))
		h.ServeHTTP(hj, testkit.Request("GET", "/", ""))
		if n != 0 || !errors.Is(werr, http.ErrHijacked) || hj.WritesAfter != 0 {
			t.Errorf("written before the hijack %q: a write after it returned %d, %v; %d writes reached the connection's writer",
				before, n, werr, hj.WritesAfter)
		}
	}
}
