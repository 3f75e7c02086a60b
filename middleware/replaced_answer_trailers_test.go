package middleware_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// The answers that take the place of a handler's (a panic's 500, a
// translated foreign error, Conditional's 412 and 304) carry none of the
// trailers the handler set for the body it meant to send, whether it set
// them before it failed or, once Conditional had answered, after.
func TestReplacedAnswersCarryNoneOfTheHandlersTrailers(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	tests := []struct {
		name   string
		h      http.Handler
		header http.Header
		status int
	}{
		{"Recoverer", middleware.Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Rows")
			w.Header().Set("X-Rows", "12")
			w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
			panic("the export broke")
		})), nil, http.StatusInternalServerError},
		{"TranslateErrors", middleware.TranslateErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "the cloud is archived", http.StatusConflict)
			w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
		})), nil, http.StatusConflict},
		{"Conditional's 412", middleware.Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Rows")
			w.Header().Set("Etag", `"v2"`)
			w.Write([]byte(`{"rows":12}`))
			w.Header().Set("X-Rows", "12")
			w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
		})), http.Header{"If-Match": {`"v1"`}}, http.StatusPreconditionFailed},
		{"Conditional's 304", middleware.Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Etag", `"v2"`)
			w.Write([]byte(`{"rows":12}`))
			w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
		})), http.Header{"If-None-Match": {`"v2"`}}, http.StatusNotModified},
		{"Conditional's 304 of a declared trailer", middleware.Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Rows")
			w.Header().Set("Etag", `"v2"`)
			w.Write([]byte(`{"rows":12}`))
			w.Header().Set("X-Rows", "12")
		})), http.Header{"If-None-Match": {`"v2"`}}, http.StatusNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.GetOverHTTP1And2(t, pw.Handler(tt.h), tt.header, func(t *testing.T, resp *http.Response, body []byte) {
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d; headers %v, body %s", resp.StatusCode, tt.status, resp.Header, body)
				}
				if tt.status == http.StatusNotModified {
					if len(body) != 0 || resp.Header.Get("Etag") != `"v2"` {
						t.Errorf("304 with ETag %q and body %q", resp.Header.Get("Etag"), body)
					}
				} else if resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("Content-Type %q, body %s", resp.Header.Get("Content-Type"), body)
				}
				if len(resp.Trailer) != 0 {
					t.Errorf("the answer carries the handler's trailers %v", resp.Trailer)
				}
				for _, k := range []string{"X-Rows", "X-Checksum", "Trailer"} {
					if v := resp.Header.Values(k); v != nil {
						t.Errorf("the answer carries the handler's %s: %q", k, v)
					}
				}
			})
		})
	}
}
