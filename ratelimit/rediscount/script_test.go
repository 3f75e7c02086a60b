package rediscount

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/ratelimit"
)

// fitsModel is ratelimit's documented sliding-window test, in millionths
// of a unit: p*floor((w-e)*1e6/w) + (c+cost)*1e6 <= q*1e6.
func fitsModel(q, w, e, c, p, cost int64) bool {
	return p*((w-e)*1_000_000/w)+(c+cost)*1_000_000 <= q*1_000_000
}

// The script decides as the Go counters do, on states up to the policy
// bounds: for random stored counts, its verdict matches the model applied
// to the state it reports.
func TestScriptDecidesLikeTheGoModel(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	rc := newCounter(t, c, Config{Timeout: patience, FailureThreshold: 1})
	rng := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	windows := []time.Duration{time.Millisecond, 7 * time.Millisecond, time.Second, 61 * time.Second, ratelimit.MaxWindow}
	for i := range 400 {
		w := windows[i%len(windows)]
		q := 1 + rng.Int64N(ratelimit.MaxQuota)
		if i%2 == 0 {
			q = 1 + rng.Int64N(20)
		}
		p := ratelimit.Policy{Name: "p", Quota: int(q), Window: w}
		key := "case-" + strconv.Itoa(i)
		redisKey := rc.keys(key, []ratelimit.Policy{p})[0]
		idx := time.Now().UnixMilli() / w.Milliseconds()
		if rng.IntN(3) == 0 {
			idx-- // stored in the previous window: the script rotates
		}
		cur, prev := rng.Int64N(q+2), rng.Int64N(2*q+2)
		if _, err := s.Do("HSET", redisKey, "w", strconv.FormatInt(idx, 10),
			"c", strconv.FormatInt(cur, 10), "p", strconv.FormatInt(prev, 10)); err != nil {
			t.Fatal(err)
		}
		cost := 1 + rng.Int64N(3)
		usage := make([]ratelimit.Usage, 1)
		taken, err := rc.Take(ctx, key, int(cost), []ratelimit.Policy{p}, usage)
		if err != nil || rc.State() != StateRedis {
			t.Fatalf("case %d: %v, state %v", i, err, rc.State())
		}
		u := usage[0]
		before := u.Current
		if taken {
			before -= cost
		}
		e := u.Elapsed.Milliseconds()
		if e < 0 || e >= w.Milliseconds() {
			t.Fatalf("case %d: elapsed %v outside the window %v", i, u.Elapsed, w)
		}
		if want := fitsModel(q, w.Milliseconds(), e, before, u.Previous, cost); taken != want {
			t.Errorf("case %d: q=%d w=%v e=%d c=%d p=%d cost=%d: script says %v, model %v",
				i, q, w, e, before, u.Previous, cost, taken, want)
		}
	}
}
