package middleware_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
)

// A status net/http refuses never went out, also when it reached net/http
// through Conditional's or TranslateErrors' writer, run before Recoverer:
// those writers report a status only once the writer below took it, so
// the panic is answered with Recoverer's 500, not aborted as a response
// that started.
func TestRecovererAnswersARefusedStatusBelowAWrapper(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	for name, mw := range map[string]func(http.Handler) http.Handler{
		"Conditional":     middleware.Conditional,
		"TranslateErrors": middleware.TranslateErrors,
	} {
		t.Run(name, func(t *testing.T) {
			r := chi.NewRouter()
			r.Use(pw.Handler, mw, middleware.Recoverer)
			r.Get("/", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.ms-excel") // not one TranslateErrors takes for an error page
				w.WriteHeader(1000)                                        // a code passed on from a broken upstream
				w.Write([]byte("a\tb\n"))
			})
			testkit.GetOverHTTP1And2(t, r, nil, func(t *testing.T, resp *http.Response, body []byte) {
				var p map[string]any
				if err := json.Unmarshal(body, &p); err != nil || resp.StatusCode != 500 || p["status"] != 500.0 ||
					resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("status %d, headers %v, body %q", resp.StatusCode, resp.Header, body)
				}
			})
		})
	}
}

// A status net/http refuses, written after a body Conditional holds back,
// is superfluous, as net/http takes any second WriteHeader: the body goes
// out with its 200, not lost to a panic Recoverer can only abort.
func TestConditionalTakesARefusedStatusAfterTheBodyForSuperfluous(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Conditional, middleware.Recoverer)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Write([]byte("a,b\n"))
		w.WriteHeader(1000)
	})
	testkit.GetOverHTTP1And2(t, r, nil, func(t *testing.T, resp *http.Response, body []byte) {
		if resp.StatusCode != 200 || string(body) != "a,b\n" || resp.Header.Get("Etag") == "" {
			t.Errorf("status %d, headers %v, body %q", resp.StatusCode, resp.Header, body)
		}
	})
}
