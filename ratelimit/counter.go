package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"sync"
	"time"

	"github.com/go-chi/httprate"
)

// Counter keeps the counts of a limiter. Take checks and takes quota in one
// atomic step, for all of a limiter's policies at once, so concurrent
// requests never overshoot a quota. LocalCounter and rediscount.Counter
// implement it; any httprate.LimitCounter plugs in
// through CountInLimitCounter.
type Counter interface {
	// Take adds cost to key's count under every policy, unless that would
	// exceed the quota of any of them, in which case it adds nothing. It
	// reports whether it took the cost and sets usage[i] to what it saw
	// for policies[i] (len(usage) >= len(policies)).
	//
	// A counter shared by several limiters keeps policies apart by name
	// and window only: limiters that share a counter and may see the same
	// keys need distinct policy names (or a key part such as ByRoute).
	//
	// The limiters call it with the request's deadline but not its
	// cancellation, so that a client closing its connection cannot have
	// its requests counted elsewhere: bound the calls of a remote store
	// yourself, as rediscount's Timeout does, for requests with no
	// deadline.
	Take(ctx context.Context, key string, cost int, policies []Policy, usage []Usage) (bool, error)
}

// maxForeignKey bounds the keys handed to an httprate.LimitCounter: a
// longer key is replaced by its SHA-256, so client input never sets the
// size of a foreign counter's keys.
const maxForeignKey = 128

// limitCounter adapts an httprate.LimitCounter, which has no atomic step:
// it reads with Get, decides, then writes with IncrementBy. A striped
// per-key lock makes the pair atomic within this process without
// serializing unrelated keys behind a remote counter's round trips, as one
// limiter-wide mutex would; across processes sharing the counter,
// concurrent requests for one key can still overshoot the quota.
type limitCounter struct {
	c     httprate.LimitCounter
	seed  maphash.Seed
	now   func() time.Time // tests replace it
	locks [64]struct {
		sync.Mutex
		_ [56]byte // one cache line each
	}
}

func newLimitCounter(c httprate.LimitCounter, p Policy) *limitCounter {
	c.Config(p.Quota, p.Window)
	return &limitCounter{c: c, seed: maphash.MakeSeed(), now: time.Now}
}

// Take implements Counter for the one policy a foreign counter serves.
func (a *limitCounter) Take(_ context.Context, key string, cost int, policies []Policy, usage []Usage) (bool, error) {
	if len(key) > maxForeignKey {
		sum := sha256.Sum256([]byte(key))
		key = hex.EncodeToString(sum[:])
	}
	p := &policies[0]
	now := a.now().UTC() // httprate's counters compare windows with ==: no monotonic reading, UTC
	cur := now.Truncate(p.Window)
	mu := &a.locks[maphash.String(a.seed, key)%uint64(len(a.locks))]
	mu.Lock()
	defer mu.Unlock()
	c, prev, err := a.c.Get(key, cur, cur.Add(-p.Window))
	if err != nil {
		return false, err
	}
	u := Usage{Current: int64(c), Previous: int64(prev), Elapsed: now.Sub(cur)}
	s := newState(p, &u)
	ok := fits(s.q, s.w, s.e, s.c, s.p, int64(cost))
	if ok && cost > 0 {
		if err := a.c.IncrementBy(key, cur, cost); err != nil {
			return false, err
		}
		u.Current += int64(cost)
	}
	usage[0] = u
	return ok, nil
}
