package rediscount

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
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

// BenchmarkRedis measures a route limited by two policies counted in a
// real redis-server, and the round trips each request costs
// (roundtrips/op, must be 1).
func BenchmarkRedis(b *testing.B) {
	s := redistest.Start(b)
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr, ContextTimeoutEnabled: true})
	b.Cleanup(func() { c.Close() })
	rt := &roundTrips{}
	c.AddHook(rt)
	rc := newCounter(b, c, Config{Timeout: time.Second})
	h := chi.NewRouter()
	h.With(limit(b, ratelimit.Policy{Name: "burst", Quota: ratelimit.MaxQuota, Window: time.Hour}, ratelimit.CountIn(rc),
		ratelimit.AndPolicy(ratelimit.Policy{Name: "daily", Quota: ratelimit.MaxQuota, Window: 24 * time.Hour}))).
		Get("/items/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		reqs[i] = httptest.NewRequest(http.MethodGet, "/items/42", nil)
		reqs[i].RemoteAddr = "10.0." + strconv.Itoa(i>>8) + "." + strconv.Itoa(i&255) + ":1234"
	}
	h.ServeHTTP(&benchWriter{h: http.Header{}}, reqs[0]) // loads the script

	report := func(b *testing.B, before int64) {
		b.ReportMetric(float64(rt.n.Load()-before)/float64(b.N), "roundtrips/op")
		if rc.State() != StateRedis {
			b.Fatal("fell back to local counts")
		}
	}
	b.Run("allowed", func(b *testing.B) {
		before := rt.n.Load()
		w := &benchWriter{h: http.Header{}}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			clear(w.h)
			h.ServeHTTP(w, reqs[i%len(reqs)])
			if w.status != http.StatusNoContent {
				b.Fatalf("status %d", w.status)
			}
		}
		report(b, before)
	})
	b.Run("allowed-parallel", func(b *testing.B) {
		before := rt.n.Load()
		b.ReportAllocs()
		b.SetParallelism(8) // requests waiting on Redis leave the CPU to others
		b.RunParallel(func(pb *testing.PB) {
			w := &benchWriter{h: http.Header{}}
			for i := 0; pb.Next(); i++ {
				clear(w.h)
				h.ServeHTTP(w, reqs[i%len(reqs)])
			}
		})
		report(b, before)
	})
}
