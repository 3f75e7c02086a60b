package ratelimit

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-chi/httprate"
)

// BenchmarkKeys fills a fresh counter with a million distinct keys, each
// counted once under one policy, and reports what a key costs: live heap
// (B/key), time (ns/key) and the GC cycles the filling ran (gc/op), beside
// httprate's in-memory counter. Compare the rows: benchstat -col /counter.
func BenchmarkKeys(b *testing.B) {
	const n = 1_000_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = "10." + strconv.Itoa(i>>16) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
	}
	ctx := context.Background()
	policies := []Policy{{Name: "burst", Quota: 100, Window: time.Hour}}
	usage := make([]Usage, 1)
	fills := []struct {
		name string
		fill func() any
	}{
		{"chiguard", func() any {
			lc := NewLocalCounter()
			lc.now = func() int64 { return t0.UnixMilli() } // one window throughout
			for _, k := range keys {
				lc.Take(ctx, k, 1, policies, usage)
			}
			return lc
		}},
		{"httprate", func() any {
			// What httprate's limiter does for a request: Get, then IncrementBy.
			hc := httprate.NewLocalLimitCounter(time.Hour)
			hc.Config(100, time.Hour)
			cur := time.Now().UTC().Truncate(time.Hour)
			prev := cur.Add(-time.Hour)
			for _, k := range keys {
				hc.Get(k, cur, prev)
				hc.IncrementBy(k, cur, 1)
			}
			return hc
		}},
	}
	for _, f := range fills {
		b.Run("counter="+f.name, func(b *testing.B) {
			var bytes, gcs uint64
			var m runtime.MemStats
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&m)
				heap, cycles := m.HeapAlloc, m.NumGC
				b.StartTimer()
				c := f.fill()
				b.StopTimer()
				runtime.ReadMemStats(&m)
				gcs += uint64(m.NumGC - cycles)
				runtime.GC()
				runtime.ReadMemStats(&m)
				bytes += m.HeapAlloc - heap
				runtime.KeepAlive(c)
				b.StartTimer()
			}
			b.ReportMetric(float64(bytes)/float64(b.N*n), "B/key")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/key")
			b.ReportMetric(float64(gcs)/float64(b.N), "gc/op")
			runtime.KeepAlive(keys)
		})
	}
}
