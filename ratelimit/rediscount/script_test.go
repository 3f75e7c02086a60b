package rediscount

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
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
		idx := time.Now().UnixMilli() / w.Milliseconds()
		switch rng.IntN(6) {
		case 0, 1:
			idx-- // stored in the previous window: the script rotates
		case 2:
			idx -= 2 // older: both counts are stale
		case 3:
			idx++ // ahead, as after Redis' clock went back: that window goes on
		}
		cur, prev := rng.Int64N(q+2), rng.Int64N(2*q+2)
		store(t, s, rc.key(key), p, idx, cur, prev)
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

// store writes a policy's state into a key's hash, as the script does.
func store(t *testing.T, s *redistest.Server, key string, p ratelimit.Policy, idx, cur, prev int64) {
	t.Helper()
	f := newPolicyArgs(p).fields
	if _, err := s.Do("HSET", key, f[0].(string), strconv.FormatInt(idx, 10),
		f[1].(string), strconv.FormatInt(cur, 10), f[2].(string), strconv.FormatInt(prev, 10)); err != nil {
		t.Fatal(err)
	}
}

// redisMillis is the server's clock, in ms since the epoch.
func redisMillis(t *testing.T, s *redistest.Server) int64 {
	t.Helper()
	r, err := s.Do("TIME")
	secs, micros, ok := strings.Cut(r, "\n")
	sec, err1 := strconv.ParseInt(secs, 10, 64)
	usec, err2 := strconv.ParseInt(micros, 10, 64)
	if err != nil || !ok || err1 != nil || err2 != nil {
		t.Fatalf("TIME: %q %v", r, err)
	}
	return sec*1000 + usec/1000
}

// commandCalls is how many times Redis ran a command, scripts included.
func commandCalls(t *testing.T, s *redistest.Server, name string) int {
	t.Helper()
	info, err := s.Do("INFO", "commandstats")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(info, "cmdstat_"+name+":calls=")
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
	return n
}

// The key expires when its longest policy's counts stop mattering: at the
// end of the window after the current one. Takes within one window write
// the counts only; the expiry moves when a window turns.
func TestScriptSetsTheExpiryOncePerWindow(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	policies := []ratelimit.Policy{{Name: "hourly", Quota: 100, Window: time.Hour}, {Name: "daily", Quota: 100, Window: 24 * time.Hour}}
	usage := make([]ratelimit.Usage, 2)
	inWindow(t, time.Hour, 0, time.Hour-10*time.Second)
	rc.Take(context.Background(), "warm-up", 1, policies, usage) // loads the script
	hsets, expiries := commandCalls(t, s, "hset"), commandCalls(t, s, "pexpireat")
	for i := range 5 {
		if taken, err := rc.Take(context.Background(), "k", 1, policies, usage); !taken || err != nil {
			t.Fatalf("take %d: %v %v", i, taken, err)
		}
	}
	if n := commandCalls(t, s, "hset") - hsets; n != 5 {
		t.Errorf("%d HSET for 5 takes, want 5", n)
	}
	if n := commandCalls(t, s, "pexpireat") - expiries; n != 1 {
		t.Errorf("%d PEXPIREAT for 5 takes in one window, want 1", n)
	}
	now := redisMillis(t, s)
	day := (24 * time.Hour).Milliseconds()
	want := (now/day + 2) * day
	x, err := s.Do("HGET", rc.key("k"), "x")
	if err != nil || x != strconv.FormatInt(want, 10) {
		t.Errorf("x = %q %v, want %d: the end of the next day", x, err, want)
	}
	ttl, err := s.Do("PTTL", rc.key("k"))
	if n, _ := strconv.ParseInt(ttl, 10, 64); err != nil || n > want-now || n < want-now-int64(patience/time.Millisecond) {
		t.Errorf("PTTL %q %v, want about %d", ttl, err, want-now)
	}
}

// Limiters sharing a counter and a key share the counts of the policies
// they have in common (same name and window) and keep the others apart. A
// take under shorter policies alone never cuts the expiry that a longer
// policy of the same key needs.
func TestLimitersSharingAKeyShareCommonPoliciesOnly(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	hourly := ratelimit.Policy{Name: "hourly", Quota: 100, Window: time.Hour}
	daily := ratelimit.Policy{Name: "daily", Quota: 100, Window: 24 * time.Hour}
	otherHourly := ratelimit.Policy{Name: "hourly", Quota: 100, Window: 2 * time.Hour}
	inWindow(t, time.Hour, 0, time.Hour-10*time.Second) // every window here turns on the hour
	ctx := context.Background()
	usage := make([]ratelimit.Usage, 2)
	for range 2 {
		rc.Take(ctx, "k", 1, []ratelimit.Policy{hourly, daily}, usage)
	}
	x, _ := s.Do("HGET", rc.key("k"), "x")
	ttl, _ := s.Do("PTTL", rc.key("k"))
	if taken, err := rc.Take(ctx, "k", 1, []ratelimit.Policy{hourly}, usage); !taken || err != nil || usage[0].Current != 3 {
		t.Errorf("hourly alone: %v %v, current %d, want 3: the hourly count is shared", taken, err, usage[0].Current)
	}
	if taken, err := rc.Take(ctx, "k", 1, []ratelimit.Policy{otherHourly}, usage); !taken || err != nil || usage[0].Current != 1 {
		t.Errorf("another window under the same name: %v %v, current %d, want 1", taken, err, usage[0].Current)
	}
	if x2, _ := s.Do("HGET", rc.key("k"), "x"); x2 != x {
		t.Errorf("x moved from %s to %s", x, x2)
	}
	ttl2, _ := s.Do("PTTL", rc.key("k"))
	before, _ := strconv.Atoi(ttl)
	if after, _ := strconv.Atoi(ttl2); after < before-int(patience/time.Millisecond) {
		t.Errorf("PTTL cut from %s to %s", ttl, ttl2)
	}
	if rc.Take(ctx, "k", 1, []ratelimit.Policy{hourly, daily}, usage); usage[0].Current != 4 || usage[1].Current != 3 {
		t.Errorf("usage %+v, want hourly 4, daily 3", usage)
	}
}

// Counts that someone else wrote into the hash are read as whole numbers
// in 0..2^40: text, NaN and negative ones as 0, huge and infinite ones as
// the cap, which refuses. None lifts the limit or reaches the caller as a
// wrapped-around number.
func TestScriptReadsForeignCountsSafely(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	policies := []ratelimit.Policy{{Name: "hourly", Quota: 3, Window: time.Hour}}
	usage := make([]ratelimit.Usage, 1)
	inWindow(t, time.Hour, 0, time.Hour-10*time.Second)
	for _, tt := range []struct {
		stored  string
		current int64 // after one take
		taken   bool
	}{
		{"nan", 1, true}, {"-nan", 1, true}, {"-5", 1, true}, {"abc", 1, true}, {"2.7", 3, true},
		{"inf", 1 << 40, false}, {"1e300", 1 << 40, false}, {"-inf", 1, true},
	} {
		key := "k-" + tt.stored
		if taken, err := rc.Take(context.Background(), key, 1, policies, usage); !taken || err != nil {
			t.Fatalf("first take: %v %v", taken, err)
		}
		if _, err := s.Do("HSET", rc.key(key), "hourly:3600000:c", tt.stored); err != nil {
			t.Fatal(err)
		}
		taken, err := rc.Take(context.Background(), key, 1, policies, usage)
		if err != nil || taken != tt.taken || usage[0].Current != tt.current || usage[0].Previous != 0 {
			t.Errorf("count %q stored: taken %v, usage %+v, err %v; want taken %v, current %d", tt.stored, taken, usage[0], err, tt.taken, tt.current)
		}
		// The quota still holds: 3 takes at most in all.
		n := 0
		for range 5 {
			if ok, _ := rc.Take(context.Background(), key, 1, policies, usage); ok {
				n++
			}
		}
		if max := 3 - tt.current; tt.taken && int64(n) > max {
			t.Errorf("count %q stored: %d more takes, want at most %d", tt.stored, n, max)
		}
	}
}
