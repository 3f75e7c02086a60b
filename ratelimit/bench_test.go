package ratelimit

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
)

// benchWriter is a ResponseWriter whose header map is reused: the
// benchmarks measure the router and the limiter, not the recorder.
type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(s int)           { w.status = s }

// remoteIP is the anchor's key: the TCP peer, like chiguard's default for
// anonymous requests.
func remoteIP(r *http.Request) (string, error) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	return host, err
}

func benchRouter(mw func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	h := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
	if mw == nil {
		r.Get("/items/{id}", h)
	} else {
		r.With(mw).Get("/items/{id}", h)
	}
	return r
}

// benchRequests returns n requests from n distinct clients.
func benchRequests(n int) []*http.Request {
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/items/42", nil)
		reqs[i].RemoteAddr = "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255) + ":1234"
	}
	return reqs
}

func BenchmarkLimit(b *testing.B) {
	const many = MaxQuota // never refused during a run
	cases := []struct {
		name   string
		mw     func(http.Handler) http.Handler
		keys   int
		status int
	}{
		{"bare", nil, 1, http.StatusNoContent},
		{"chiguard/allowed", limitNamed("burst", many, time.Hour), 1, http.StatusNoContent},
		{"chiguard/allowed-10k-keys", limitNamed("burst", many, time.Hour), 10000, http.StatusNoContent},
		{"chiguard/limited", limitNamed("burst", 1, time.Hour), 1, http.StatusTooManyRequests},
		{"httprate/allowed", httprate.LimitBy(many, time.Hour, remoteIP), 1, http.StatusNoContent},
		{"httprate/limited", httprate.LimitBy(1, time.Hour, remoteIP), 1, http.StatusTooManyRequests},
	}
	for _, c := range cases {
		h := benchRouter(c.mw)
		reqs := benchRequests(c.keys)
		b.Run(c.name, func(b *testing.B) {
			w := &benchWriter{h: http.Header{}}
			h.ServeHTTP(w, reqs[0]) // the limited cases use up their quota
			b.ReportAllocs()
			defer testkit.ReportCPU(b)()
			i := 0
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, reqs[i])
				if i++; i == len(reqs) {
					i = 0
				}
			}
			if w.status != c.status {
				b.Fatalf("status %d, want %d", w.status, c.status)
			}
		})
	}
	for _, c := range cases {
		if c.name == "bare" || c.name == "chiguard/limited" || c.name == "httprate/limited" {
			continue
		}
		h := benchRouter(c.mw)
		reqs := benchRequests(c.keys)
		b.Run(c.name+"-parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &benchWriter{h: http.Header{}}
				i := 0
				for pb.Next() {
					clear(w.h)
					h.ServeHTTP(w, reqs[i])
					if i++; i == len(reqs) {
						i = 0
					}
				}
			})
		})
	}
}

// BenchmarkMiddleware is each limiter alone, without a router, on an
// allowed request (what BenchmarkLimit's allowed cases add to bare) and on
// a refused one (the 429 itself).
func BenchmarkMiddleware(b *testing.B) {
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, c := range []struct {
		name   string
		h      http.Handler
		status int
	}{
		{"none", noop, http.StatusOK},
		{"chiguard/allowed", limitNamed("burst", MaxQuota, time.Hour)(noop), http.StatusOK},
		{"httprate/allowed", httprate.LimitBy(MaxQuota, time.Hour, remoteIP)(noop), http.StatusOK},
		{"chiguard/refused", limitNamed("burst", 1, time.Hour)(noop), http.StatusTooManyRequests},
		{"httprate/refused", httprate.LimitBy(1, time.Hour, remoteIP)(noop), http.StatusTooManyRequests},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/items/42", nil)
			r.RemoteAddr = "10.0.0.1:1234"
			w := &benchWriter{h: http.Header{}, status: http.StatusOK}
			c.h.ServeHTTP(w, r) // the refused cases use up their quota
			b.ReportAllocs()
			defer testkit.ReportCPU(b)()
			for b.Loop() {
				clear(w.h)
				c.h.ServeHTTP(w, r)
			}
			if w.status != c.status {
				b.Fatalf("status %d, want %d", w.status, c.status)
			}
		})
	}
}

// BenchmarkLimitFailures is Authenticate with API keys, without and with
// the throttle of failed credentials, on the right key, on a wrong key,
// and on a wrong key from a client already throttled (where the plain
// Authenticate checks it and answers 401, the throttle answers 429
// unchecked). Compare the columns: benchstat -col /throttle.
func BenchmarkLimitFailures(b *testing.B) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "right-key", ClientID: "app"})
	if err != nil {
		b.Fatal(err)
	}
	outcomes := []struct {
		name, key string
		quota     int
		status    [2]int // throttle off, on
	}{
		{"success", "right-key", MaxQuota, [2]int{http.StatusNoContent, http.StatusNoContent}},
		{"failure", "wrong-key", MaxQuota, [2]int{http.StatusUnauthorized, http.StatusUnauthorized}},
		{"throttled", "wrong-key", 1, [2]int{http.StatusUnauthorized, http.StatusTooManyRequests}},
	}
	for _, o := range outcomes {
		for i, throttle := range []string{"off", "on"} {
			opts := []auth.Option{auth.APIKey(keys)}
			if throttle == "on" {
				f, err := NewFailureLimiter(Policy{Quota: o.quota, Window: time.Hour})
				if err != nil {
					b.Fatal(err)
				}
				opts = append(opts, auth.ThrottleFailures(f))
			}
			h := benchRouter(auth.Authenticate(opts...))
			b.Run("outcome="+o.name+"/throttle="+throttle, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, "/items/42", nil)
				r.RemoteAddr = "10.0.0.1:1234"
				r.Header.Set("Authorization", "ApiKey "+o.key)
				w := &benchWriter{h: http.Header{}}
				h.ServeHTTP(w, r) // the throttled case spends its quota
				b.ReportAllocs()
				defer testkit.ReportCPU(b)()
				for b.Loop() {
					clear(w.h)
					h.ServeHTTP(w, r)
				}
				if w.status != o.status[i] {
					b.Fatalf("status %d, want %d", w.status, o.status[i])
				}
			})
		}
	}
}
