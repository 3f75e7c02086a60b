package ratelimit

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// Limiter enforces one or more policies on the requests it handles. It is
// safe for concurrent use; build it once and mount its Handler on routes
// or groups.
type Limiter struct {
	policies []Policy
	keys     []KeyFunc
	cost     func(*http.Request) int
	counter  Counter
	local    *LocalCounter // counter, when it is one: the allocation-free path
	// ownCounter is set when counter is a LocalCounter or the adapter of
	// an httprate.LimitCounter, which ignore the context.
	ownCounter bool
	legacy     bool
	failOpen   bool
	logger     *slog.Logger
	exceeded   string // the 429's detail, before "Retry after N seconds."
	refusals   refusals

	policyField []string // RateLimit-Policy, shared by every response: len == cap, so an append copies
	itemPrefix  [][]byte // per policy: `"name";r=`

	lastLog    atomic.Int64 // unix ns of the last failure logged
	suppressed atomic.Int64 // failures not logged since
}

// Limit returns a middleware that allows quota units (requests, by
// default) per window and key, by default per authenticated principal or
// client IP, answering 429 beyond. Mount it per route or group:
//
//	r.With(ratelimit.Limit(100, time.Minute)).Post("/search", search)
//
// Every response through it carries RateLimit-Policy and RateLimit
// (draft-ietf-httpapi-ratelimit-headers); a 429 also Retry-After and a
// problem of the catalog's quota-exceeded type (problem.QuotaExceeded). It
// panics on a bad configuration; use
// NewLimiter to get the error instead.
func Limit(quota int, window time.Duration, opts ...Option) func(http.Handler) http.Handler {
	l, err := NewLimiter(Policy{Quota: quota, Window: window}, opts...)
	if err != nil {
		panic(err)
	}
	return l.Handler
}

// NewLimiter returns a Limiter enforcing p and the policies added with
// AndPolicy. A policy with no Name is named after its quota and window,
// such as "600-per-1m": two limits of other quotas or windows on one route
// then differ in the headers and in a 429's violated-policies (name two of
// one size apart, with Name; contract.Check finds them), and two limiters sharing a
// Counter do not share counts unless their policies are the same.
func NewLimiter(p Policy, opts ...Option) (*Limiter, error) {
	return newLimiter(newConfig(p, opts))
}

func newConfig(p Policy, opts []Option) config {
	c := config{policies: []Policy{p}}
	for _, o := range opts {
		o(&c)
	}
	for i := range c.policies {
		if c.policies[i].Name == "" {
			c.policies[i].Name = defaultName(c.policies[i])
		}
	}
	return c
}

// defaultName names an unnamed policy by its quota and window, the window
// in the largest unit that divides it: "600-per-1m", "10-per-1h",
// "5-per-1500ms".
func defaultName(p Policy) string {
	ms := p.Window.Milliseconds()
	unit := "ms"
	for _, u := range []struct {
		ms   int64
		name string
	}{{86_400_000, "d"}, {3_600_000, "h"}, {60_000, "m"}, {1000, "s"}} {
		if ms > 0 && ms%u.ms == 0 {
			ms, unit = ms/u.ms, u.name
			break
		}
	}
	return strconv.Itoa(p.Quota) + "-per-" + strconv.FormatInt(ms, 10) + unit
}

func newLimiter(c config) (*Limiter, error) {
	for i, p := range c.policies {
		if err := p.validate(); err != nil {
			return nil, err
		}
		for _, q := range c.policies[:i] {
			if q.Name == p.Name {
				return nil, fmt.Errorf("%w: two policies named %q", ErrInvalidPolicy, p.Name)
			}
		}
	}
	l := &Limiter{
		policies: c.policies,
		keys:     c.keys,
		cost:     c.cost,
		counter:  c.counter,
		legacy:   c.legacy,
		failOpen: c.failOpen,
		logger:   c.logger,
		exceeded: "The rate limit for this resource is exceeded.",
	}
	if len(l.keys) == 0 {
		l.keys = []KeyFunc{ByPrincipalOrIP}
	}
	for _, k := range l.keys {
		if k == nil {
			return nil, fmt.Errorf("%w: nil KeyFunc", ErrInvalidConfig)
		}
	}
	if c.limitCounter != nil {
		if len(l.policies) > 1 {
			return nil, fmt.Errorf("%w: an httprate.LimitCounter holds one window, so it serves one policy; "+
				"use a Counter, or mount one limiter per policy", ErrInvalidConfig)
		}
		l.counter = newLimitCounter(c.limitCounter, l.policies[0])
	}
	if l.counter == nil {
		l.counter = NewLocalCounter()
	}
	l.local, _ = l.counter.(*LocalCounter)
	_, foreign := l.counter.(*limitCounter)
	l.ownCounter = l.local != nil || foreign
	l.refusals.init(l.policies)
	if l.logger == nil {
		l.logger = slog.Default()
	}
	f := policyField(l.policies)
	l.policyField = []string{f}
	for _, p := range l.policies {
		l.itemPrefix = append(l.itemPrefix, append(appendSFString(nil, p.Name), ";r="...))
	}
	return l, nil
}

// Handler is the limiter as a middleware.
func (l *Limiter) Handler(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.admit(w, r) {
			next.ServeHTTP(w, r)
		}
	}), l.describe)
}

// scratch is one request's working memory, pooled.
type scratch struct {
	key   []byte
	field []byte
	usage []Usage
	slab  []fieldSlot // unused slots for RateLimit values
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{key: make([]byte, 0, 128), field: make([]byte, 0, 64)}
}}

// putScratch returns sc to the pool, unless a huge key part grew its
// buffer: the pool must not pin memory a client chose the size of.
func putScratch(sc *scratch) {
	if cap(sc.key) <= 4<<10 && cap(sc.field) <= 4<<10 {
		scratchPool.Put(sc)
	}
}

// clampCost keeps a cost within 0..MaxQuota+1: more than any quota, but
// never so large that count+cost overflows.
func clampCost(cost int) int { return min(max(cost, 0), MaxQuota+1) }

// maxKeyPart bounds a key part; a longer one is replaced by its SHA-256
// and ends with hashedPart instead of its length, so that no raw part of 32
// bytes, which a client may choose, spells a hashed one.
const (
	maxKeyPart = 254
	hashedPart = 255
)

// admit takes the request's cost and sets the RateLimit fields; if the
// request may not go on, it writes the refusal and returns false.
func (l *Limiter) admit(w http.ResponseWriter, r *http.Request) bool {
	sc := scratchPool.Get().(*scratch)
	defer putScratch(sc)

	key, err := l.key(sc, r)
	if err != nil {
		return l.fail(w, r, fmt.Errorf("ratelimit: key: %w", err))
	}
	cost := 1
	if l.cost != nil {
		cost = clampCost(l.cost(r))
	}
	usage := l.usage(sc)
	ctx, cancel := l.counting(r)
	taken, err := l.take(ctx, key, cost, usage)
	cancel()
	if err != nil {
		return l.fail(w, r, fmt.Errorf("ratelimit: counter: %w", err))
	}
	retry := l.setFields(w.Header(), sc, usage, taken, int64(cost))
	if !taken {
		l.refuse(w, r, usage, int64(cost), retry)
	}
	return taken
}

// key builds r's key in sc.key and returns it.
func (l *Limiter) key(sc *scratch, r *http.Request) ([]byte, error) {
	key := sc.key[:0]
	for _, k := range l.keys {
		start := len(key)
		var err error
		key, err = k(key, r)
		if err == nil && len(key) < start {
			err = fmt.Errorf("%w: a KeyFunc dropped the bytes before it", ErrInvalidConfig)
		}
		if err != nil {
			sc.key = key[:0]
			return nil, err
		}
		// Each part ends with its length, which makes the joined key
		// unambiguous; long parts are hashed so keys stay bounded.
		if n := len(key) - start; n > maxKeyPart {
			sum := sha256.Sum256(key[start:])
			key = append(append(key[:start], sum[:]...), hashedPart)
		} else {
			key = append(key, byte(n))
		}
	}
	sc.key = key
	return key, nil
}

// usage returns sc's Usage slice, one per policy.
func (l *Limiter) usage(sc *scratch) []Usage {
	if cap(sc.usage) < len(l.policies) {
		sc.usage = make([]Usage, len(l.policies))
	}
	return sc.usage[:len(l.policies)]
}

// counting returns the context of r's counter calls, and the function that
// releases it. Counting must not depend on the client keeping its
// connection open: rediscount's Counter counts locally for a cancelled
// request, and a client that half-closes its connection cancels its
// requests yet still reads the answers, so its requests would escape the
// count the replicas share. The request's deadline, which the server sets
// (middleware.Timeout, say) and no client can bring forward, still bounds
// the calls. The counters of this package ignore the context: no need to
// make one for them.
func (l *Limiter) counting(r *http.Request) (context.Context, context.CancelFunc) {
	ctx := r.Context()
	if l.ownCounter {
		return ctx, noCancel
	}
	detached := context.WithoutCancel(ctx)
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(detached, d)
	}
	return detached, noCancel
}

func noCancel() {}

// take is Counter.Take on the limiter's policies, without allocating when
// the counter is a LocalCounter.
func (l *Limiter) take(ctx context.Context, key []byte, cost int, usage []Usage) (bool, error) {
	if l.local != nil {
		return l.local.takeBytes(key, int64(cost), l.policies, usage), nil
	}
	return l.counter.Take(ctx, string(key), cost, l.policies, usage)
}

// unavailable is the fail-closed refusal; like every 503, it says when to
// retry.
var unavailable = problem.ServiceUnavailable("The rate limiter cannot check this request now; retry in a few seconds.").
	WithHeader("Retry-After", "5")

// misplaced is the answer to a limiter mounted where it cannot work: a
// 500, never a 503 that would have clients retry a permanent mistake.
var misplaced = problem.InternalServerError("")

// fail applies the failure mode to err. A limiter keyed by route but
// mounted before routing is a configuration error that FailOpen does not
// hide: it would never limit anything.
func (l *Limiter) fail(w http.ResponseWriter, r *http.Request, err error) bool {
	if errors.Is(err, ErrNoRoute) {
		problem.Write(w, r, misplaced.WithCause(fmt.Errorf("%w: the limiter keys by route (ByRoute) but runs before chi chose one: "+
			"mount it with r.With or inside r.Group/r.Route, not with r.Use on the root router", err)))
		return false
	}
	if l.failOpen {
		l.log(r, "ratelimit: serving without a limit", err)
		return true
	}
	problem.Write(w, r, unavailable.WithCause(err))
	return false
}

// log logs a failure, at most once a second, counting the ones left out.
func (l *Limiter) log(r *http.Request, msg string, err error) {
	now := time.Now().UnixNano()
	last := l.lastLog.Load()
	if now-last < int64(time.Second) || !l.lastLog.CompareAndSwap(last, now) {
		l.suppressed.Add(1)
		return
	}
	l.logger.LogAttrs(r.Context(), slog.LevelError, msg,
		slog.Any("error", err), slog.String("path", r.URL.Path),
		slog.Int64("suppressed", l.suppressed.Swap(0)))
}

// setFields sets the RateLimit fields (and the legacy ones if enabled) and
// returns the Retry-After of a refused request, in seconds.
func (l *Limiter) setFields(h http.Header, sc *scratch, usage []Usage, taken bool, cost int64) (retry int64) {
	b := sc.field[:0]
	tightest, tightR, tightT := 0, int64(-1), int64(0)
	refused, refusedR := -1, int64(0) // the policy Retry-After comes from
	for i := range l.policies {
		s := newState(&l.policies[i], &usage[i])
		r := s.remaining()
		var t int64
		switch {
		case !taken && !fits(s.q, s.w, s.e, s.c, s.p, cost):
			ms, ok := s.wait(cost)
			if !ok { // the cost is over the quota: it never fits
				ms = s.untilWindowEnd() + s.w
			}
			t = seconds(ms)
			if refused < 0 || t > retry {
				refused, refusedR = i, r
			}
			retry = max(retry, t)
		case r > 0:
			t = seconds(s.untilWindowEnd())
		default:
			ms, _ := s.wait(1)
			t = seconds(ms)
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, l.itemPrefix[i]...)
		b = strconv.AppendInt(b, r, 10)
		b = append(b, ";t="...)
		b = strconv.AppendInt(b, t, 10)
		if tightR < 0 || r < tightR || !taken && t > tightT && r == tightR {
			tightest, tightR, tightT = i, r, t
		}
	}
	sc.field = b
	if refused >= 0 {
		// A refusal's legacy fields describe the policy of its
		// Retry-After: one with less left may have its units back sooner.
		tightest, tightR, tightT = refused, refusedR, retry
	}
	// The fields are lists: a limiter before this one on the route keeps
	// its members, and ours follow. Full slice expressions make append
	// copy, never write into a shared value.
	if old, ok := h["Ratelimit"]; ok {
		pol := h["Ratelimit-Policy"]
		h["Ratelimit"] = append(old[:len(old):len(old)], string(b))
		h["Ratelimit-Policy"] = append(pol[:len(pol):len(pol)], l.policyField...)
	} else {
		h["Ratelimit"] = sc.fieldValue(b)
		h["Ratelimit-Policy"] = l.policyField
	}
	// A refusing limiter without LegacyHeaders still writes them over an
	// earlier one's, which would describe another policy than the 429's.
	legacy := l.legacy || !taken && h["X-Ratelimit-Remaining"] != nil
	if legacy && (!taken || !tighterBefore(h, tightR)) {
		h.Set("X-Ratelimit-Limit", strconv.Itoa(l.policies[tightest].Quota))
		h.Set("X-Ratelimit-Remaining", strconv.FormatInt(tightR, 10))
		h.Set("X-Ratelimit-Reset", strconv.FormatInt(time.Now().Unix()+tightT, 10))
	}
	return retry
}

// tighterBefore reports whether a limiter before this one on the route
// set legacy fields with no more left than r. The legacy fields describe
// one policy, the closest to refusing: those stay, unless this limiter
// refuses the request, when they describe the policy that refused.
func tighterBefore(h http.Header, r int64) bool {
	v := h["X-Ratelimit-Remaining"]
	if len(v) != 1 {
		return false
	}
	n, err := strconv.ParseInt(v[0], 10, 64)
	return err == nil && n <= r
}

// fieldSlot holds one RateLimit value: the one-element slice the header
// map keeps and the bytes of its string, together.
type fieldSlot struct {
	s [1]string
	b [48]byte // a policy's item: name, r and t
}

// slabSize is the number of slots allocated at once. Allocating every
// response's value alone costs a malloc per request; a larger slab would
// let one long-lived response (a stream) pin more memory.
const slabSize = 8

// fieldValue returns b as a one-element header value, taken from sc's
// slab: one allocation per slabSize responses. A slot is never reused: the
// header map of the response it went to may live on, and its bytes are
// never written after the copy, so the string is immutable as Go requires.
func (sc *scratch) fieldValue(b []byte) []string {
	if len(b) == 0 || len(b) > len(fieldSlot{}.b) {
		return []string{string(b)}
	}
	if len(sc.slab) == 0 {
		sc.slab = make([]fieldSlot, slabSize)
	}
	v := &sc.slab[0]
	sc.slab = sc.slab[1:]
	n := copy(v.b[:], b)
	v.s[0] = unsafe.String(&v.b[0], n)
	return v.s[:]
}
