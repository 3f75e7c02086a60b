package middleware

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

func TestTranslateErrorsFromForeignCode(t *testing.T) {
	held, block := make(chan struct{}, 1), make(chan struct{})
	var holders sync.WaitGroup
	defer holders.Wait()
	defer close(block)
	tests := []struct {
		name    string
		handler http.Handler
		req     *http.Request
		status  int
		headers map[string]string
		detail  any // nil: no detail member
	}{
		{"http.Error 4xx keeps its text", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "cloud 42 is archived", http.StatusConflict)
		}), testkit.Request("GET", "/", ""), 409, nil, "cloud 42 is archived"},
		{"http.Error 5xx hides its text", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "pq: password authentication failed", http.StatusInternalServerError)
		}), testkit.Request("GET", "/", ""), 500, nil, nil},
		{"chi default 404", chi.NewRouter(), testkit.Request("GET", "/nope", ""), 404, nil, nil},
		{"chi default 405 keeps Allow", func() http.Handler {
			r := chi.NewRouter()
			r.Get("/x", testkit.OK)
			return r
		}(), testkit.Request("POST", "/x", ""), 405, map[string]string{"Allow": "GET"}, nil},
		{"AllowContentType", chimw.AllowContentType("application/json")(testkit.OK),
			testkit.Request("POST", "/", "a=b", "Content-Type: application/x-www-form-urlencoded"), 415, nil, nil},
		{"BasicAuth keeps WWW-Authenticate", chimw.BasicAuth("api", map[string]string{"u": "p"})(testkit.OK),
			testkit.Request("GET", "/", ""), 401, map[string]string{"Www-Authenticate": `Basic realm="api"`}, nil},
		{"Throttle keeps Retry-After", chimw.ThrottleWithOpts(chimw.ThrottleOpts{
			Limit: 1, BacklogLimit: 0, BacklogTimeout: time.Millisecond,
			RetryAfterFn: func(bool) time.Duration { return 30 * time.Second },
		})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hold" {
				held <- struct{}{}
				<-block
			}
		})), nil, 429, map[string]string{"Retry-After": "30"}, "Server capacity exceeded."},
		{"Timeout", chimw.Timeout(time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		})), testkit.Request("GET", "/", ""), 504, nil, nil},
		{"httprate keeps its headers", httprate.LimitBy(1, time.Minute, func(*http.Request) (string, error) { return "all", nil })(testkit.OK), nil, 429,
			map[string]string{"X-Ratelimit-Limit": "1", "Retry-After": "60"}, nil},
		{"long text is dropped", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, strings.Repeat("x", 300), http.StatusBadRequest)
		}), testkit.Request("GET", "/", ""), 400, nil, nil},
		{"HTML error page", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte("<h1>Forbidden</h1>"))
		}), testkit.Request("GET", "/", ""), 403, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := TranslateErrors(tt.handler)
			req := tt.req
			switch tt.status {
			case 429:
				// The first request takes the only slot; the second is refused.
				first := testkit.Request("GET", "/hold", "")
				if strings.Contains(tt.name, "Throttle") {
					holders.Go(func() { testkit.Serve(h, first) })
					testkit.Receive(t, held, "the first request to take the slot")
				} else {
					testkit.Serve(h, testkit.Request("GET", "/", ""))
				}
				req = testkit.Request("GET", "/", "")
			}
			rec := testkit.Serve(h, req)
			p := testkit.Problem(t, rec, tt.status)
			for k, v := range tt.headers {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if p["detail"] != tt.detail {
				t.Errorf("detail = %v, want %v", p["detail"], tt.detail)
			}
		})
	}
}

func TestTranslateErrorsLogsHidden5xxText(t *testing.T) {
	var logs bytes.Buffer
	pw := &problem.Writer{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	h := pw.Handler(TranslateErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "pq: password authentication failed", http.StatusInternalServerError)
	})))
	rec := testkit.Serve(h, testkit.Request("GET", "/", ""))
	testkit.Problem(t, rec, 500)
	if strings.Contains(rec.Body.String(), "pq:") || !strings.Contains(logs.String(), "pq: password authentication failed") {
		t.Fatalf("body %s; log %s", rec.Body, logs.String())
	}
}

func TestTranslateErrorsLeavesOthersAlone(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"success", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("fine"))
		}},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}},
		{"JSON error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"x"}`))
		}},
		{"problem", func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, r, problem.NotFound("cloud 42"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := testkit.Serve(tt.h, testkit.Request("GET", "/", ""))
			got := testkit.Serve(TranslateErrors(tt.h), testkit.Request("GET", "/", ""))
			if got.Code != want.Code || got.Body.String() != want.Body.String() ||
				got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
				t.Fatalf("changed: %d %q %q, want %d %q %q", got.Code, got.Header().Get("Content-Type"), got.Body,
					want.Code, want.Header().Get("Content-Type"), want.Body)
			}
		})
	}
}

// A successful response reaches the client while the handler still runs.
func TestTranslateErrorsDoesNotBufferSuccess(t *testing.T) {
	rec := httptest.NewRecorder()
	var seenDuring string
	h := TranslateErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first chunk"))
		http.NewResponseController(w).Flush()
		seenDuring = rec.Body.String()
	}))
	h.ServeHTTP(rec, testkit.Request("GET", "/", ""))
	if seenDuring != "first chunk" || !rec.Flushed {
		t.Fatalf("body during the handler %q, flushed %v", seenDuring, rec.Flushed)
	}
}
