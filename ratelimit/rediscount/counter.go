package rediscount

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chiguard/chiguard/internal/clock"
	"github.com/chiguard/chiguard/ratelimit"
	goredis "github.com/redis/go-redis/v9"
)

// Config configures a Counter. The zero value is ready.
//
// Set ContextTimeoutEnabled on the go-redis client: it then bounds each
// call by Timeout on the socket itself, and concurrent requests share
// their round trips: their takes go together in one script (in one
// pipeline on Cluster or Ring), which costs Redis and the client far less
// than a script each; go-redis hooks see these commands on a context of
// their own. Without it the counter still answers within Timeout, but
// sends each take alone and abandons a late one to a goroutine that lives
// until the client's own read timeout.
type Config struct {
	// Prefix starts every key; the default is "chiguard:ratelimit:". It
	// must not hold '{' or '}', which would move the hash tag.
	Prefix string
	// Timeout bounds every Redis call, go-redis's retries included (a take's
	// script is never retried: it may have run); the default is
	// 50ms. The context's deadline applies if it is sooner. ratelimit's
	// limiters pass the request's deadline but not its cancellation, so
	// that a client cannot move its count out of Redis by closing its
	// connection.
	Timeout time.Duration
	// FailureThreshold is the number of failed calls in a row that switch
	// to the fallback; the default is 3.
	FailureThreshold int
	// ProbeInterval is how often Redis is probed while the fallback
	// serves; the default is one second.
	ProbeInterval time.Duration
	// Fallback counts while Redis is unavailable; nil means a new
	// ratelimit.LocalCounter. Each replica then counts on its own, so a
	// client may get up to one quota per replica.
	Fallback ratelimit.Counter
	// OnStateChange, if set, is called on every switch, synchronously and
	// in order: it must not block, nor call Close.
	OnStateChange func(from, to State)
	// Logger logs the switches (Warn to the fallback, Info back to Redis);
	// nil means slog.Default().
	Logger *slog.Logger
}

// State is where a Counter counts.
type State int32

const (
	// StateRedis: counting in Redis.
	StateRedis State = iota
	// StateFallback: Redis failed; counting in the fallback, probing Redis.
	StateFallback
	// StateTrial: Redis answered a probe; the next request tries it while
	// the others still use the fallback.
	StateTrial
)

// String names the state as a circuit breaker does: "closed" (counting in
// Redis), "open" (in the fallback) or "half-open" (the trial).
func (s State) String() string {
	switch s {
	case StateRedis:
		return "closed"
	case StateFallback:
		return "open"
	case StateTrial:
		return "half-open"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// ErrInvalidConfig is returned by NewCounter for a Config it cannot use.
var ErrInvalidConfig = errors.New("rediscount: invalid config")

// errReply is a script reply of the wrong shape.
var errReply = errors.New("rediscount: unexpected script reply")

// Counter is a ratelimit.Counter in Redis, with a local fallback. It is
// safe for concurrent use. Close it when done: while Redis is unavailable
// it runs one background goroutine, the probe.
type Counter struct {
	client    goredis.UniversalClient
	prefix    string
	timeout   time.Duration
	threshold int32
	interval  time.Duration
	fallback  ratelimit.Counter
	onChange  func(from, to State)
	logger    *slog.Logger
	clock     clock.Clock // paces the probe

	state    atomic.Int32
	failures atomic.Int32
	trial    atomic.Bool // a half-open trial is in flight

	ctxBound bool       // the client honours context deadlines on its sockets
	batches  *coalescer // nil unless ctxBound
	policies policyCache

	mu     sync.Mutex // serializes switches
	done   chan struct{}
	closed bool
	probes sync.WaitGroup
}

// NewCounter returns a Counter on client: a single node, Sentinel
// (failover) or Cluster client. It does not contact Redis; the first
// request does.
func NewCounter(client goredis.UniversalClient, cfg Config) (*Counter, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: nil client", ErrInvalidConfig)
	}
	c := &Counter{
		client:    client,
		prefix:    cmp(cfg.Prefix, "chiguard:ratelimit:"),
		timeout:   cmp(cfg.Timeout, 50*time.Millisecond),
		threshold: int32(cmp(cfg.FailureThreshold, 3)),
		interval:  cmp(cfg.ProbeInterval, time.Second),
		fallback:  cfg.Fallback,
		onChange:  cfg.OnStateChange,
		logger:    cfg.Logger,
		clock:     clock.System{},
		done:      make(chan struct{}),
	}
	if strings.ContainsAny(c.prefix, "{}") {
		return nil, fmt.Errorf("%w: prefix %q holds a brace, which would break the hash tag", ErrInvalidConfig, c.prefix)
	}
	if c.timeout < 0 || c.threshold < 0 || c.interval < 0 {
		return nil, fmt.Errorf("%w: negative timeout, threshold or interval", ErrInvalidConfig)
	}
	if c.fallback == nil {
		c.fallback = ratelimit.NewLocalCounter()
	}
	c.ctxBound = contextTimeouts(client)
	if c.ctxBound {
		c.batches = &coalescer{client: client, timeout: c.timeout}
		_, single := client.(*goredis.Client)
		c.batches.together.Store(single)
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	return c, nil
}

// cmp returns v, or def if v is the zero value.
func cmp[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// State reports where the counter counts now.
func (c *Counter) State() State { return State(c.state.Load()) }

// Take implements ratelimit.Counter: in Redis while it answers, else in
// the fallback.
func (c *Counter) Take(ctx context.Context, key string, cost int, policies []ratelimit.Policy, usage []ratelimit.Usage) (bool, error) {
	trial := false
	switch c.State() {
	case StateFallback:
		return c.fallback.Take(ctx, key, cost, policies, usage)
	case StateTrial:
		if !c.trial.CompareAndSwap(false, true) {
			return c.fallback.Take(ctx, key, cost, policies, usage)
		}
		defer c.trial.Store(false)
		trial = true
	}
	if ctx.Err() != nil { // the request is gone or out of time: no round trip
		return c.fallback.Take(ctx, key, cost, policies, usage)
	}
	taken, err := c.take(ctx, key, cost, policies, usage)
	if err == nil {
		c.succeeded(trial)
		return taken, nil
	}
	if ctx.Err() == nil { // Redis' fault, not the request's deadline
		c.failed(err, trial)
	}
	return c.fallback.Take(ctx, key, cost, policies, usage)
}

// take runs the script: one round trip. A request whose own deadline is
// sooner than the timeout sends its take alone, on its own context; the
// others share batches if the client bounds its sockets by context
// deadlines.
func (c *Counter) take(ctx context.Context, key string, cost int, policies []ratelimit.Policy, usage []ratelimit.Usage) (bool, error) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= c.timeout {
		return c.takeAlone(ctx, key, cost, policies, usage)
	}
	if c.batches == nil {
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		return c.takeAlone(ctx, key, cost, policies, usage)
	}
	cl := c.batches.get()
	c.setPart(&cl.part, key, cost, policies)
	if err := c.batches.do(ctx, cl); err != nil {
		return false, err
	}
	taken, err := readReply(cl.reply, policies, usage)
	c.batches.put(cl)
	return taken, err
}

// takeAlone runs the script of one take within ctx's deadline.
func (c *Counter) takeAlone(ctx context.Context, key string, cost int, policies []ratelimit.Policy, usage []ratelimit.Usage) (bool, error) {
	p := &part{}
	c.setPart(p, key, cost, policies)
	reply, err := bounded(ctx, c.ctxBound, func(ctx context.Context) ([]any, error) {
		sendEach(ctx, c.client, []*part{p})
		return p.reply, p.err
	})
	if err != nil {
		return false, err
	}
	return readReply(reply, policies, usage)
}

// readReply reads the script's reply into usage and returns its verdict.
func readReply(vals []any, policies []ratelimit.Policy, usage []ratelimit.Usage) (bool, error) {
	if len(vals) != 1+3*len(policies) {
		return false, fmt.Errorf("%w: %d values for %d policies", errReply, len(vals), len(policies))
	}
	if msg, ok := vals[0].(string); ok { // the key's hash could not be read
		return false, fmt.Errorf("rediscount: %s", msg)
	}
	taken, ok := vals[0].(int64)
	if !ok {
		return false, fmt.Errorf("%w: %T", errReply, vals[0])
	}
	for i := range policies {
		e, ok1 := vals[1+3*i].(int64)
		c, ok2 := vals[2+3*i].(int64)
		p, ok3 := vals[3+3*i].(int64)
		if !ok1 || !ok2 || !ok3 {
			return false, fmt.Errorf("%w: %v", errReply, vals[1+3*i:4+3*i])
		}
		usage[i] = ratelimit.Usage{Elapsed: time.Duration(e) * time.Millisecond, Current: c, Previous: p}
	}
	return taken == 1, nil
}

// bounded returns call's result, or ctx's error at its deadline. A client
// with ContextTimeoutEnabled (ctxBound) applies the deadline to its
// sockets itself. Any other client would wait for its own read timeout
// (seconds) on a hung Redis, so the call runs on a goroutine that is
// abandoned at the deadline: it ends when the client gives up, and the
// breaker stops new calls after FailureThreshold of them.
func bounded[T any](ctx context.Context, ctxBound bool, call func(context.Context) (T, error)) (T, error) {
	if ctxBound {
		return call(ctx)
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := call(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// contextTimeouts reports whether client applies context deadlines to its
// socket reads and writes (go-redis' ContextTimeoutEnabled). A client
// whose options cannot be seen, such as a wrapper, is assumed not to.
func contextTimeouts(client goredis.UniversalClient) bool {
	switch o := client.(type) {
	case interface{ Options() *goredis.Options }:
		return o.Options().ContextTimeoutEnabled
	case clusterOptioner:
		return o.Options().ContextTimeoutEnabled
	case interface{ Options() *goredis.RingOptions }:
		return o.Options().ContextTimeoutEnabled
	}
	return false
}

type clusterOptioner interface {
	Options() *goredis.ClusterOptions
}

// succeeded and failed move the breaker on the outcome of a take. Only
// the trial's decides in half-open; the answer to a take sent before the
// breaker opened, which may come after, changes nothing: it would close
// the breaker without a trial, and a second probe would start when it
// opened again.
func (c *Counter) succeeded(trial bool) {
	c.failures.Store(0)
	if trial {
		c.switchTo(StateTrial, StateRedis, nil)
	}
}

func (c *Counter) failed(err error, trial bool) {
	if trial {
		c.switchTo(StateTrial, StateFallback, err)
	} else if c.failures.Add(1) >= c.threshold {
		c.switchTo(StateRedis, StateFallback, err)
	}
}

// switchTo changes the state from from to to, starts the probe when
// opening, and reports. It does nothing if the state is not from.
func (c *Counter) switchTo(from, to State, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.State() != from {
		return
	}
	c.state.Store(int32(to))
	switch to {
	case StateFallback:
		if !c.closed {
			c.probes.Add(1)
			go c.probe()
		}
		c.logger.Warn("rediscount: Redis unavailable, counting locally", "error", err)
	case StateRedis:
		c.failures.Store(0)
		c.logger.Info("rediscount: Redis answers again, counting in Redis")
	}
	if c.onChange != nil {
		c.onChange(from, to)
	}
}

// probe pings Redis every interval until it answers, then lets a request
// try it (half-open), or until Close.
func (c *Counter) probe() {
	defer c.probes.Done()
	for {
		select {
		case <-c.done:
			return
		case <-c.clock.After(c.interval):
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
		_, err := bounded(ctx, c.ctxBound, func(ctx context.Context) (string, error) { return c.client.Ping(ctx).Result() })
		cancel()
		if err == nil {
			c.switchTo(StateFallback, StateTrial, nil)
			return
		}
	}
}

// Close stops the background probe and waits for it. It does not close the
// client. The counter still works after Close, but once it has switched
// to the fallback it stays there.
func (c *Counter) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.done)
	}
	c.mu.Unlock()
	c.probes.Wait()
	return nil
}
