package problem_test

import (
	"errors"
	"log/slog"
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// Trailers belong to the body they follow: a handler that set one, or
// declared one and set its value, before it failed gets a problem that
// carries neither, as a trailer or as a header field. A trailer a
// middleware before it declared, and sets once the answer is written, is
// the response's and stays.
func TestProblemDropsTheFailedHandlersTrailers(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	handlers := map[string]func(w http.ResponseWriter){
		"set with http.TrailerPrefix": func(w http.ResponseWriter) {
			w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
		},
		"declared in Trailer, value set": func(w http.ResponseWriter) {
			w.Header().Set("Trailer", "X-Checksum")
			w.Header().Set("X-Checksum", "c1")
		},
		"declared in Trailer among others": func(w http.ResponseWriter) {
			w.Header().Add("Trailer", "Server-Timing, x-checksum")
			w.Header().Set("X-Checksum", "c1")
		},
	}
	for name, set := range handlers {
		t.Run(name, func(t *testing.T) {
			timing := func(next http.Handler) http.Handler { // declares a trailer of its own
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Trailer", "Server-Timing")
					next.ServeHTTP(w, r)
					w.Header().Set("Server-Timing", "app;dur=1")
				})
			}
			h := pw.Handler(timing(problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				set(w)
				return problem.Conflict("The cloud is being moved.")
			})))
			testkit.GetOverHTTP1And2(t, h, nil, func(t *testing.T, resp *http.Response, body []byte) {
				if resp.StatusCode != http.StatusConflict || resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("status %d, headers %v, body %s", resp.StatusCode, resp.Header, body)
				}
				if v, ok := resp.Trailer["X-Checksum"]; ok {
					t.Errorf("the problem carries the failed handler's trailer X-Checksum: %q", v)
				}
				if v := resp.Header.Values("X-Checksum"); v != nil {
					t.Errorf("the problem carries the failed handler's trailer as a header field: %q", v)
				}
				if got := resp.Trailer.Get("Server-Timing"); got != "app;dur=1" {
					t.Errorf("trailer Server-Timing %q, want the middleware's app;dur=1 (trailers %v)", got, resp.Trailer)
				}
			})
		})
	}
}

// A handler that writes a problem itself, after it set a trailer's value
// for the body it meant to send, gets no such trailer either.
func TestWriteDropsTrailerValuesSetBeforeIt(t *testing.T) {
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	h := pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
		w.Header().Set("X-Cloud", "7") // not a trailer: stays
		problem.Write(w, r, problem.FromError(errors.New("the archive could not be opened")))
	}))
	testkit.GetOverHTTP1And2(t, h, nil, func(t *testing.T, resp *http.Response, body []byte) {
		if resp.StatusCode != http.StatusInternalServerError || resp.Header.Get("X-Cloud") != "7" {
			t.Fatalf("status %d, headers %v, body %s", resp.StatusCode, resp.Header, body)
		}
		if len(resp.Trailer) != 0 {
			t.Errorf("the problem carries trailers %v", resp.Trailer)
		}
	})
}
