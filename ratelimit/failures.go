package ratelimit

import (
	"context"
	"fmt"
	"hash/maphash"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/chiguard/chiguard/internal/conceal"
	"github.com/chiguard/chiguard/middleware/auth"
)

// FailureLimiter limits the failed credential checks of each client, so
// that credentials cannot be guessed at the speed a verifier refuses them.
// It is an auth.Throttle: plug it into Authenticate with
// auth.ThrottleFailures, or build one and plug it in at once with
// LimitFailures.
//
// A client is a client IP by default, IPv6 clients by their /64 (see
// ByIP; KeyBy changes it). While it has failed fewer checks than the
// policy allows, its credentials are checked; a failure takes one unit, a
// success nothing. Beyond, every request of that client that carries
// credentials, right or wrong, gets the Limiter's 429 problem (type
// problem.TypeQuotaExceeded) with Retry-After and the RateLimit fields, and its
// credentials are not checked; but for a JWT already verified and cached,
// which Authenticate serves without asking (see auth.Throttle). Requests without credentials pass
// untouched, to the route's Limiter. A failed check's 401 carries the
// RateLimit fields too, so a client sees its budget shrink. On a route
// under auth.Conceal, the refusal is the 404 of an unknown path instead,
// without the fields, as the route's other refusals are.
//
// Concurrent guesses do not overshoot within a process: a client may have
// no more checks in progress than it has failures left, and its further
// requests wait for one to end. A burst of parallel guesses runs exactly
// the quota's worth, and a client that fails nothing is never refused,
// only delayed while it has more checks in progress than failures left.
// Only failures are stored: a client that never fails costs the counter
// nothing, and the gates of a client last only while it has checks
// starting or in progress.
//
// With a shared Counter (CountIn with a rediscount.Counter) failures count
// across replicas, but checks in progress are known per process: at the
// moment a client's last failures are spent, the other replicas may still
// be running the checks they had started, at most the failures that were
// left each. A check costs one counter call (a Redis round trip), a failed
// one two.
type FailureLimiter struct {
	l      *Limiter
	seed   maphash.Seed
	shards [gateShards]gateShard
}

// failurePolicy names a FailureLimiter's policy by default: a name apart
// from any Limiter's, so both may share one Counter.
const failurePolicy = "auth-failures"

// NewFailureLimiter returns a FailureLimiter enforcing p (and the
// policies added with AndPolicy) on failed credential checks. p is named
// "auth-failures" if its Name is empty. The options are the Limiter's,
// except Cost: every failure costs one unit. The default key is ByIP; a
// key by principal cannot work, since no request has one yet.
func NewFailureLimiter(p Policy, opts ...Option) (*FailureLimiter, error) {
	if p.Name == "" {
		p.Name = failurePolicy
	}
	c := newConfig(p, opts)
	if c.cost != nil {
		return nil, fmt.Errorf("%w: Cost does not apply to a FailureLimiter, where each failure costs 1", ErrInvalidConfig)
	}
	if len(c.keys) == 0 {
		c.keys = []KeyFunc{ByIP}
	}
	l, err := newLimiter(c)
	if err != nil {
		return nil, err
	}
	l.exceeded = "Too many failed authentication attempts from your network address: credentials from it are not checked for now."
	f := &FailureLimiter{l: l, seed: maphash.MakeSeed()}
	for i := range f.shards {
		f.shards[i].gates = map[uint64]*gate{}
	}
	return f, nil
}

// LimitFailures returns the Authenticate option that allows quota failed
// credential checks per window and client IP (IPv6 clients by /64), and
// answers 429 beyond, without checking:
//
//	auth.Authenticate(auth.Bearer(jwts), ratelimit.LimitFailures(20, time.Minute))
//
// Each call makes a budget of its own, but for calls that count in one
// Counter (CountIn): their policies share one name, unless Name gives
// them names of their own, and so their counts, while each keeps its own
// checks in progress, so that parallel guesses spread over them
// overshoot the quota. For one budget over several
// Authenticate middlewares, pass one NewFailureLimiter to each with
// auth.ThrottleFailures. It panics on a bad configuration, as Limit does.
func LimitFailures(quota int, window time.Duration, opts ...Option) auth.Option {
	f, err := NewFailureLimiter(Policy{Quota: quota, Window: window}, opts...)
	if err != nil {
		panic(err)
	}
	return auth.ThrottleFailures(f)
}

// Allow implements auth.Throttle: it refuses r, with a 429, if r's client
// has no failure left, and otherwise lets its check start once the checks
// the client has in progress cannot exceed what is left. A request whose
// context ends while it waits gets the 429 too, with Retry-After: 1.
func (f *FailureLimiter) Allow(w http.ResponseWriter, r *http.Request) (auth.Attempt, bool) {
	sc := scratchPool.Get().(*scratch)
	defer putScratch(sc)
	key, err := f.l.key(sc, r)
	if err != nil {
		return f.fail(w, r, fmt.Errorf("ratelimit: key: %w", err))
	}
	usage := f.l.usage(sc)
	ctx, cancel := f.l.counting(r)
	defer cancel()
	h := maphash.Bytes(f.seed, key)
	sh := &f.shards[h>>(64-gateShardBits)]
	g := sh.acquire(h)
	admitted := false
	defer func() {
		if !admitted { // refused, or the Counter panicked: the gate is let go
			sh.drop(h, g)
		}
	}()
	for {
		sh.mu.Lock()
		seen := g.failed
		sh.mu.Unlock()
		if _, err := f.l.take(ctx, key, 0, usage); err != nil {
			return f.fail(w, r, fmt.Errorf("ratelimit: counter: %w", err))
		}
		left := f.l.remaining(usage)
		if left > 0 {
			var err error
			if admitted, err = sh.enter(r.Context(), g, left, seen); admitted {
				return f.attempt(w, r, key, h, g), true
			}
			if err == nil {
				continue // failures ended during the peek may be all that was left: look again
			}
		}
		if conceal.From(r.Context()) != nil {
			// auth.Conceal: a 429 would tell a probe of the hidden route,
			// once it has spent the failures, from an unknown path.
			conceal.NotFound(w, r)
			return nil, false
		}
		retry := f.l.setFields(w.Header(), sc, usage, false, 1)
		f.l.refuse(w, r, usage, 1, retry)
		return nil, false
	}
}

// fail applies the failure mode: with FailOpen the check runs, uncounted.
func (f *FailureLimiter) fail(w http.ResponseWriter, r *http.Request, err error) (auth.Attempt, bool) {
	if f.l.fail(w, r, err) {
		return uncounted{}, true
	}
	return nil, false
}

// uncounted is the attempt of a check the limiter could not count.
type uncounted struct{}

func (uncounted) Done(bool) {}

// remaining is the number of whole units all of l's policies still allow.
func (l *Limiter) remaining(usage []Usage) int64 {
	left := int64(math.MaxInt64)
	for i := range l.policies {
		left = min(left, newState(&l.policies[i], &usage[i]).remaining())
	}
	return left
}

// attempt is a check in progress; pooled, as every request that carries
// credentials makes one.
type attempt struct {
	f     *FailureLimiter
	h     uint64
	g     *gate
	key   []byte
	usage []Usage
	w     http.ResponseWriter
	r     *http.Request
}

var attemptPool = sync.Pool{New: func() any { return &attempt{key: make([]byte, 0, 32)} }}

func (f *FailureLimiter) attempt(w http.ResponseWriter, r *http.Request, key []byte, h uint64, g *gate) *attempt {
	a := attemptPool.Get().(*attempt)
	a.f, a.h, a.g, a.w, a.r = f, h, g, w, r
	a.key = append(a.key[:0], key...)
	if cap(a.usage) < len(f.l.policies) {
		a.usage = make([]Usage, len(f.l.policies))
	}
	a.usage = a.usage[:len(f.l.policies)]
	return a
}

// Done implements auth.Attempt: a failure takes its unit (and sets the
// RateLimit fields of the refusal) before the check leaves its gate, so
// that the next check of the client sees it counted.
func (a *attempt) Done(failed bool) {
	defer a.leave(failed) // also when the Counter panics: the check ends
	f := a.f
	if failed {
		ctx, cancel := f.l.counting(a.r)
		taken, err := f.l.take(ctx, a.key, 1, a.usage)
		cancel()
		if err != nil {
			f.l.log(a.r, "ratelimit: a failed credential check was not counted", err)
		} else {
			sc := scratchPool.Get().(*scratch)
			f.l.setFields(a.w.Header(), sc, a.usage, taken, 1)
			putScratch(sc)
		}
	}
}

// leave ends the check and recycles a.
func (a *attempt) leave(failed bool) {
	a.f.shards[a.h>>(64-gateShardBits)].leave(a.h, a.g, failed)
	*a = attempt{key: a.key[:0], usage: a.usage}
	if cap(a.key) <= 4<<10 {
		attemptPool.Put(a)
	}
}

// The gates: one per client with checks starting or in progress in this
// process, gone when its last check ends, so their number is bounded by
// the requests in flight.
const (
	gateShardBits = 6
	gateShards    = 1 << gateShardBits
)

type gateShard struct {
	mu    sync.Mutex
	gates map[uint64]*gate
	free  []*gate // a few gates for reuse: most clients have one check at a time
	_     [24]byte
}

// gate is one client's checks in this process.
type gate struct {
	refs     int           // requests holding the gate: starting, waiting or in progress
	checking int64         // checks in progress
	failed   int64         // failures recorded through this gate
	wake     chan struct{} // closed when a check ends, for the requests waiting
}

func (sh *gateShard) acquire(h uint64) *gate {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	g := sh.gates[h]
	if g == nil {
		if n := len(sh.free); n > 0 {
			g, sh.free = sh.free[n-1], sh.free[:n-1]
		} else {
			g = &gate{}
		}
		sh.gates[h] = g
	}
	g.refs++
	return g
}

// enter starts a check if fewer are in progress than the failures left:
// left, as the counter saw it after failed was seen, less the failures
// recorded since. Otherwise it waits for a check to end, until ctx ends. It
// reports false without error when no failure may be left: the caller
// looks at the counter again.
//
// This is what makes the count exact within the process: a failure is
// either in the counter when it was read, or recorded since, or in
// progress, so whatever ends in failure fits in what was left.
func (sh *gateShard) enter(ctx context.Context, g *gate, left, seen int64) (bool, error) {
	sh.mu.Lock()
	for {
		room := left - (g.failed - seen)
		if room <= 0 {
			sh.mu.Unlock()
			return false, nil
		}
		if g.checking < room {
			g.checking++
			sh.mu.Unlock()
			return true, nil
		}
		if g.wake == nil {
			g.wake = make(chan struct{})
		}
		wake := g.wake
		sh.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return false, ctx.Err()
		}
		sh.mu.Lock()
	}
}

// leave ends a check and wakes the requests waiting for one to end.
func (sh *gateShard) leave(h uint64, g *gate, failed bool) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	g.checking--
	if failed {
		g.failed++
	}
	if g.wake != nil {
		close(g.wake)
		g.wake = nil
	}
	sh.release(h, g)
}

// drop lets go of a gate without a check.
func (sh *gateShard) drop(h uint64, g *gate) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.release(h, g)
}

func (sh *gateShard) release(h uint64, g *gate) {
	if g.refs--; g.refs > 0 {
		return
	}
	delete(sh.gates, h)
	if len(sh.free) < 8 {
		*g = gate{}
		sh.free = append(sh.free, g)
	}
}
