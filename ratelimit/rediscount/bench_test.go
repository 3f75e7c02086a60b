package rediscount

import (
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/go-chi/chi/v5"
	goredis "github.com/redis/go-redis/v9"
)

type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(s int)           { w.status = s }

// concurrency is the number of requests in flight in the side-by-side
// benchmarks: many more than cores, as on a busy API replica.
const concurrency = 64

// BenchmarkRedis measures a route limited by policies counted in a real
// redis-server, and the round trips each request costs (roundtrips/op,
// must be 1). The parallel64 cases put chiguard beside two anchors, naive
// limiters doing INCR (and EXPIRE) per request, through the same router,
// client and requests: compare their ops/s within one run.
func BenchmarkRedis(b *testing.B) {
	s := redistest.Start(b)
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr, ContextTimeoutEnabled: true})
	b.Cleanup(func() { c.Close() })
	rt := &roundTrips{}
	c.AddHook(rt)
	rc := newCounter(b, c, Config{Timeout: time.Second})
	burst := ratelimit.Policy{Name: "burst", Quota: ratelimit.MaxQuota, Window: time.Hour}
	daily := ratelimit.AndPolicy(ratelimit.Policy{Name: "daily", Quota: ratelimit.MaxQuota, Window: 24 * time.Hour})
	two := benchRouter(limit(b, burst, ratelimit.CountIn(rc), daily))
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/items/42", nil)
		reqs[i].RemoteAddr = "10.0." + strconv.Itoa(i>>8) + "." + strconv.Itoa(i&255) + ":1234"
	}
	two.ServeHTTP(&benchWriter{h: http.Header{}}, reqs[0]) // loads the script

	report := func(b *testing.B, before, tripsBefore int64) {
		b.ReportMetric(float64(rt.n.Load()-before)/float64(b.N), "roundtrips/op")
		b.ReportMetric(float64(rt.trips.Load()-tripsBefore)/float64(b.N), "trips/op")
		if rc.State() != StateRedis {
			b.Fatal("fell back to local counts")
		}
	}
	b.Run("allowed", func(b *testing.B) {
		before, tripsBefore := rt.n.Load(), rt.trips.Load()
		w := &benchWriter{h: http.Header{}}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			clear(w.h)
			two.ServeHTTP(w, reqs[i%len(reqs)])
			if w.status != http.StatusNoContent {
				b.Fatalf("status %d", w.status)
			}
		}
		report(b, before, tripsBefore)
	})
	b.Run("allowed-parallel", func(b *testing.B) {
		before, tripsBefore := rt.n.Load(), rt.trips.Load()
		b.ReportAllocs()
		b.SetParallelism(8) // requests waiting on Redis leave the CPU to others
		b.RunParallel(func(pb *testing.PB) {
			w := &benchWriter{h: http.Header{}}
			for i := 0; pb.Next(); i++ {
				clear(w.h)
				two.ServeHTTP(w, reqs[i%len(reqs)])
			}
		})
		report(b, before, tripsBefore)
	})

	side := []struct {
		name string
		h    http.Handler
	}{
		{"chiguard/one-policy", benchRouter(limit(b, burst, ratelimit.CountIn(rc)))},
		{"chiguard/two-policies", two},
		{"anchor/incr", benchRouter(incrLimiter(c, false))},
		{"anchor/incr-expire", benchRouter(incrLimiter(c, true))},
	}
	for _, sc := range side {
		b.Run("parallel64/"+sc.name, func(b *testing.B) {
			sc.h.ServeHTTP(&benchWriter{h: http.Header{}}, reqs[0])
			before, tripsBefore, redisBefore := rt.n.Load(), rt.trips.Load(), redisCPU(b, s)
			stopCPU := testkit.ReportCPU(b)
			b.ReportAllocs()
			b.SetParallelism((concurrency + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.RunParallel(func(pb *testing.PB) {
				w := &benchWriter{h: http.Header{}}
				for i := 0; pb.Next(); i++ {
					clear(w.h)
					w.status = 0
					sc.h.ServeHTTP(w, reqs[i%len(reqs)])
					if w.status != http.StatusNoContent {
						b.Errorf("status %d", w.status)
						return
					}
				}
			})
			stopCPU()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
			b.ReportMetric(float64(redisCPU(b, s)-redisBefore)/float64(b.N), "redis-cpu-ns/op")
			report(b, before, tripsBefore)
		})
	}
}

// benchRouter is the API of every Redis benchmark: one route behind mw.
func benchRouter(mw func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	r.With(mw).Get("/items/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return r
}

// incrLimiter is what a naive user writes: a fixed window of one hour
// counted by INCR on a key per client IP, without RateLimit fields, and
// with withExpire the key's EXPIRE in the same pipeline.
func incrLimiter(c *goredis.Client, withExpire bool) func(http.Handler) http.Handler {
	const quota, window = 1 << 40, time.Hour
	prefix := "anchor:incr:"
	if withExpire {
		prefix = "anchor:incr-expire:"
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			key := prefix + host
			var n int64
			var err error
			if withExpire {
				var incr *goredis.IntCmd
				_, err = c.Pipelined(r.Context(), func(p goredis.Pipeliner) error {
					incr = p.Incr(r.Context(), key)
					p.Expire(r.Context(), key, window)
					return nil
				})
				if err == nil {
					n = incr.Val()
				}
			} else {
				n, err = c.Incr(r.Context(), key).Result()
			}
			switch {
			case err != nil:
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
			case n > quota:
				http.Error(w, "too many requests", http.StatusTooManyRequests)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// redisCPU is the CPU time redis-server has used, from INFO cpu.
func redisCPU(tb testing.TB, s *redistest.Server) time.Duration {
	info, err := s.Do("INFO", "cpu")
	if err != nil {
		tb.Fatal(err)
	}
	var total time.Duration
	for _, line := range strings.Split(info, "\r\n") {
		name, v, ok := strings.Cut(line, ":")
		if ok && (name == "used_cpu_sys" || name == "used_cpu_user") {
			secs, err := strconv.ParseFloat(v, 64)
			if err != nil {
				tb.Fatal(err)
			}
			total += time.Duration(secs * float64(time.Second))
		}
	}
	return total
}
