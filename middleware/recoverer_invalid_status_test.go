package middleware_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// A status net/http refuses (WriteHeader panics for one outside 100-999,
// as a code passed on from a broken upstream may be) never went out: the
// panic is answered with Recoverer's 500, not taken for a response that
// started and aborted.
func TestRecovererAnswersAStatusNetHTTPRefused(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	for _, code := range []int{1000, 42} {
		h := pw.Handler(middleware.Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			w.WriteHeader(code)
		})))
		rec := testkit.NewHijackable() // a recorder whose WriteHeader checks the code as net/http's does
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("WriteHeader(%d): Recoverer let %v through", code, v)
				}
			}()
			h.ServeHTTP(rec, testkit.Request("GET", "/export", ""))
		}()
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Code != 500 || p["status"] != 500.0 {
			t.Errorf("WriteHeader(%d): status %d, body %q", code, rec.Code, rec.Body)
		}
	}
}
