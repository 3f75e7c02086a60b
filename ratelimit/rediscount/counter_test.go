package rediscount

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/ratelimit"
	goredis "github.com/redis/go-redis/v9"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestTakeCountsInRedisInOneRoundTrip(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, rt := client(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	policies := []ratelimit.Policy{
		{Name: "hourly", Quota: 3, Window: time.Hour},
		{Name: "daily", Quota: 4, Window: 24 * time.Hour},
	}
	usage := make([]ratelimit.Usage, 2)
	ctx := context.Background()
	inWindow(t, time.Hour, 0, time.Hour-5*time.Second)

	rc.Take(ctx, "warm-up", 1, policies, usage) // EVALSHA, then EVAL loads the script
	before := rt.n.Load()
	for i := 1; i <= 3; i++ {
		taken, err := rc.Take(ctx, "client-1", 1, policies, usage)
		if err != nil || !taken {
			t.Fatalf("take %d: %v %v", i, taken, err)
		}
		if usage[0].Current != int64(i) || usage[1].Current != int64(i) || usage[0].Elapsed >= time.Hour {
			t.Fatalf("take %d: usage %+v", i, usage)
		}
	}
	if n := rt.n.Load() - before; n != 3 {
		t.Errorf("3 takes cost %d round trips, want 3", n)
	}
	taken, _ := rc.Take(ctx, "client-1", 1, policies, usage)
	if taken || usage[0].Current != 3 || usage[1].Current != 3 {
		t.Errorf("4th take: taken=%v usage %+v, want refused and nothing added to either policy", taken, usage)
	}
	if taken, _ := rc.Take(ctx, "client-2", 1, policies, usage); !taken {
		t.Error("another key refused")
	}

	keys, _ := s.Do("KEYS", "*")
	if strings.Contains(keys, "client-1") {
		t.Errorf("keys hold the client's key in clear: %q", keys)
	}
	for _, k := range strings.Split(keys, "\n") {
		ttl, err := s.Do("PTTL", k)
		n, _ := strconv.Atoi(ttl)
		if err != nil || n <= 0 || n > 2*int(24*time.Hour/time.Millisecond) {
			t.Errorf("key %q: PTTL %q %v, want an expiry within two windows", k, ttl, err)
		}
	}
}

// Two servers, each with its own limiter and client, share one Redis: under
// concurrent load they serve exactly the quota between them, whether their
// takes go alone or together (ContextTimeoutEnabled).
func TestTwoServersSharingRedisEnforceOneLimitExactly(t *testing.T) {
	t.Parallel()
	for _, together := range []bool{false, true} {
		t.Run("ContextTimeoutEnabled="+strconv.FormatBool(together), func(t *testing.T) {
			t.Parallel()
			twoServersShareOneLimit(t, together)
		})
	}
}

func twoServersShareOneLimit(t *testing.T, together bool) {
	s := redistest.Start(t)
	const quota, workers, each = 100, 16, 25
	var servers [2]*httptest.Server
	var counters [2]*Counter
	for i := range servers {
		c := goredis.NewClient(&goredis.Options{Addr: s.Addr, ContextTimeoutEnabled: together})
		t.Cleanup(func() { c.Close() })
		counters[i] = newCounter(t, c, Config{Timeout: patience})
		if (counters[i].batches != nil) != together {
			t.Fatalf("coalescing %v, want %v", counters[i].batches != nil, together)
		}
		servers[i] = httptest.NewServer(handler(limit(t, ratelimit.Policy{Name: "shared", Quota: quota, Window: time.Hour},
			ratelimit.CountIn(counters[i]), ratelimit.AndPolicy(ratelimit.Policy{Name: "daily", Quota: 2 * quota, Window: 24 * time.Hour}))))
		t.Cleanup(servers[i].Close)
	}
	inWindow(t, time.Hour, 0, time.Hour-30*time.Second)

	var ok, limited, other atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				resp, err := http.Get(servers[(w+i)%2].URL + "/")
				if err != nil {
					other.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusTooManyRequests:
					limited.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if ok.Load() != quota || limited.Load() != workers*each-quota || other.Load() != 0 {
		t.Errorf("served %d, limited %d, other %d; want %d, %d, 0", ok.Load(), limited.Load(), other.Load(), quota, workers*each-quota)
	}
	for i, rc := range counters {
		if rc.State() != StateRedis {
			t.Errorf("server %d fell back to local counts", i)
		}
	}
}

// transitions records a counter's switches.
type transitions struct {
	mu  sync.Mutex
	got []string
	ch  chan State
}

func newTransitions() *transitions { return &transitions{ch: make(chan State, 16)} }

func (tr *transitions) record(from, to State) {
	tr.mu.Lock()
	tr.got = append(tr.got, from.String()+"->"+to.String())
	tr.mu.Unlock()
	tr.ch <- to
}

func (tr *transitions) waitFor(t *testing.T, want State, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case s := <-tr.ch:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("no switch to %v within %v; switches %v", want, within, tr.got)
		}
	}
}

// probe moves clk on to the probe's next ping, the probe waiting, and
// reports whether Redis answered it: the counter switched to half-open, or
// the probe waits again.
func probe(t *testing.T, clk *testkit.Clock, rc *Counter, tr *transitions) bool {
	t.Helper()
	clk.Advance(rc.interval)
	failsafe := time.NewTimer(10 * time.Second)
	defer failsafe.Stop()
	select {
	case s := <-tr.ch:
		if s != StateTrial {
			t.Fatalf("a probe switched to %v", s)
		}
		return true
	case <-clk.Waits():
		return false
	case <-failsafe.C:
		t.Fatal("the probe neither switched nor waited again")
	}
	return false
}

// probeUntilAnswered probes until Redis answers. The probe has the
// counter's timeout, in real time, so a loaded machine may need more than
// one.
func probeUntilAnswered(t *testing.T, clk *testkit.Clock, rc *Counter, tr *transitions) {
	t.Helper()
	// Each probe that fails costs the counter's real Timeout; a resumed
	// redis-server on a machine with a load average of 25 has missed ten.
	for i := 0; !probe(t, clk, rc, tr); i++ {
		if i == 50 {
			t.Fatal("Redis answered none of 50 probes")
		}
	}
}

// closeByTrial probes until Redis answers and sends the trial request that
// closes the breaker, again if the trial times out and opens it: the
// timeout is real time, which a loaded machine may exceed.
func closeByTrial(t *testing.T, clk *testkit.Clock, rc *Counter, tr *transitions, send func()) {
	t.Helper()
	for i := 0; ; i++ {
		probeUntilAnswered(t, clk, rc, tr)
		send()
		if rc.State() == StateRedis {
			tr.waitFor(t, StateRedis, 5*time.Second)
			return
		}
		if i == 10 {
			t.Fatal("none of 10 trials closed the breaker")
		}
		tr.waitFor(t, StateFallback, 5*time.Second)
		clk.NextWait(t)
	}
}

// Redis killed under load: requests are still served (from local counts),
// the switch is reported; Redis restarted: the counter probes, tries and
// switches back.
func TestRedisKilledAndRestartedFallsBackThenRecovers(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	tr := newTransitions()
	const timeout = 200 * time.Millisecond
	rc := newCounter(t, c, Config{Timeout: timeout, FailureThreshold: 2, OnStateChange: tr.record})
	clk := probeClock(rc)
	h := handler(ratelimit.Limit(1_000_000, time.Hour, ratelimit.CountIn(rc)))

	var failed, slowest atomic.Int64
	send := func() {
		start := time.Now()
		if get(h).Code != http.StatusOK {
			failed.Add(1)
		}
		d := int64(time.Since(start))
		for old := slowest.Load(); d > old && !slowest.CompareAndSwap(old, d); old = slowest.Load() {
		}
	}
	for range 10 {
		send()
	}
	var clients sync.WaitGroup
	for range 4 {
		clients.Go(func() {
			for i := 0; i < 10_000 && rc.State() != StateFallback; i++ {
				send()
			}
			for range 10 {
				send()
			}
		})
	}
	s.Kill()
	clients.Wait()
	tr.waitFor(t, StateFallback, 5*time.Second)

	clk.NextWait(t)
	if probe(t, clk, rc, tr) {
		t.Fatal("a killed Redis answered the probe")
	}
	s.Restart()
	closeByTrial(t, clk, rc, tr, send)
	if keys, err := s.Do("DBSIZE"); keys == "0" || err != nil {
		t.Errorf("DBSIZE %q %v: the trial was not counted in Redis", keys, err)
	}
	if failed.Load() != 0 {
		t.Errorf("%d requests failed", failed.Load())
	}
	// The timeout is real time: a hang would last until the end of the test,
	// and a loaded machine gets the slack it needs (-race next to others).
	if d := time.Duration(slowest.Load()); d > timeout+2*time.Second {
		t.Errorf("slowest request took %v, want about the %v timeout at most", d, timeout)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	want := regexp.MustCompile(`^closed->open( open->half-open half-open->open)* open->half-open half-open->closed$`)
	if !want.MatchString(strings.Join(tr.got, " ")) {
		t.Errorf("switches %v, want closed->open, then open->half-open->closed (after trials that timed out)", tr.got)
	}
}

// A hung Redis (stopped process, open connections) costs each request at
// most the timeout, then no round trip once the breaker is open, whether
// or not the client applies context deadlines itself.
func TestHungRedisCostsAtMostTheTimeout(t *testing.T) {
	t.Parallel()
	for _, ctxTimeouts := range []bool{true, false} {
		t.Run("ContextTimeoutEnabled="+strconv.FormatBool(ctxTimeouts), func(t *testing.T) {
			t.Parallel()
			s := redistest.Start(t)
			c := goredis.NewClient(&goredis.Options{Addr: s.Addr, ContextTimeoutEnabled: ctxTimeouts})
			t.Cleanup(func() { c.Close() })
			rt := &roundTrips{}
			c.AddHook(rt)
			tr := newTransitions()
			const timeout = 100 * time.Millisecond
			rc := newCounter(t, c, Config{Timeout: timeout, FailureThreshold: 3, OnStateChange: tr.record})
			clk := probeClock(rc)
			if rc.ctxBound != ctxTimeouts {
				t.Fatalf("ctxBound %v", rc.ctxBound)
			}
			h := handler(ratelimit.Limit(1000, time.Hour, ratelimit.CountIn(rc)))
			if w := get(h); w.Code != http.StatusOK {
				t.Fatalf("warm-up: %d", w.Code)
			}

			s.Pause()
			defer s.Resume()
			// The timeout is real time, the subject here. A hung take
			// would wait until Resume, for ever; the bound is the timeout
			// and the slack a loaded machine needs (a -race run next to
			// others has taken 400 ms), not a measure of speed.
			for i := range 6 {
				start, trips := time.Now(), rt.n.Load()
				w := get(h)
				d := time.Since(start)
				if w.Code != http.StatusOK {
					t.Fatalf("request %d: %d", i, w.Code)
				}
				if d > timeout+2*time.Second {
					t.Errorf("request %d waited %v for a hung Redis, timeout %v", i, d, timeout)
				}
				if n := rt.n.Load() - trips; i >= 3 && n != 0 {
					t.Errorf("request %d made %d round trips with the breaker open", i, n)
				}
			}
			if rc.State() == StateRedis {
				t.Fatal("breaker still closed after 3 timeouts")
			}
			tr.waitFor(t, StateFallback, 5*time.Second)
			clk.NextWait(t)
			s.Resume()
			closeByTrial(t, clk, rc, tr, func() {
				if w := get(h); w.Code != http.StatusOK {
					t.Errorf("trial request: %d", w.Code)
				}
			})
		})
	}
}

// A request out of time is counted locally without a round trip, and is
// not held against Redis.
func TestExpiredRequestSkipsRedis(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, rt := client(t, s)
	rc := newCounter(t, c, Config{FailureThreshold: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	usage := make([]ratelimit.Usage, 1)
	taken, err := rc.Take(ctx, "k", 1, []ratelimit.Policy{{Name: "p", Quota: 1, Window: time.Minute}}, usage)
	if !taken || err != nil || rt.n.Load() != 0 || rc.State() != StateRedis {
		t.Errorf("taken=%v err=%v round trips %d state %v; want taken locally, no round trip, closed",
			taken, err, rt.n.Load(), rc.State())
	}
}

// Close stops the probe: a counter closed while Redis is down keeps its
// fallback and no goroutine pings Redis any more.
func TestCloseStopsTheProbe(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, rt := client(t, s)
	tr := newTransitions()
	rc := newCounter(t, c, Config{Timeout: 50 * time.Millisecond, FailureThreshold: 1, OnStateChange: tr.record})
	clk := probeClock(rc)
	s.Kill()
	usage := make([]ratelimit.Usage, 1)
	rc.Take(context.Background(), "k", 1, []ratelimit.Policy{{Name: "p", Quota: 5, Window: time.Minute}}, usage)
	if rc.State() != StateFallback {
		t.Fatalf("state %v, want open", rc.State())
	}
	tr.waitFor(t, StateFallback, 5*time.Second)
	clk.NextWait(t)
	before := rt.n.Load()
	if probe(t, clk, rc, tr) {
		t.Fatal("a killed Redis answered the probe")
	}
	n := rt.n.Load()
	if n == before {
		t.Fatal("the probe did not ping")
	}
	rc.Close()
	clk.Advance(rc.interval)
	if rt.n.Load() != n {
		t.Errorf("%d pings after Close", rt.n.Load()-n)
	}
	if taken, err := rc.Take(context.Background(), "k", 1, []ratelimit.Policy{{Name: "p", Quota: 5, Window: time.Minute}}, usage); !taken || err != nil {
		t.Errorf("after Close: %v %v", taken, err)
	}
	if err := rc.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// Retry-After from Redis counts is the real wait: after it, the request
// is served. Redis's clock is the subject, so the test waits in real time:
// two requests in the second half of a 1 s window use its quota of two,
// and the third gets a Retry-After of 1 s.
func TestRetryAfterHoldsWithRedisCounts(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	h := handler(ratelimit.Limit(2, time.Second, ratelimit.CountIn(rc)))
	inWindow(t, time.Second, 500*time.Millisecond, 800*time.Millisecond)
	get(h)
	get(h)
	w := get(h)
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("third request: %d, want 429", w.Code)
	}
	ra, err := strconv.Atoi(w.Header().Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Fatalf("Retry-After %q, want 1 or 2 seconds", w.Header().Get("Retry-After"))
	}
	time.Sleep(time.Duration(ra) * time.Second)
	if w := get(h); w.Code != http.StatusOK {
		t.Errorf("after Retry-After %ds: %d, want 200", ra, w.Code)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	c := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1"})
	defer c.Close()
	for name, opts := range map[string]Config{
		"brace in prefix":  {Prefix: "rl:{x}:"},
		"negative timeout": {Timeout: -time.Second},
	} {
		if _, err := NewCounter(c, opts); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := NewCounter(nil, Config{}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil client: %v", err)
	}
}

// gatedScripts holds the first script until release and fails the others
// while failing is set.
type gatedScripts struct {
	entered, release chan struct{}
	held             atomic.Bool
	failing          atomic.Bool
}

func (g *gatedScripts) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (g *gatedScripts) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if name := cmd.Name(); name != "evalsha" && name != "eval" {
			return next(ctx, cmd)
		}
		if g.held.CompareAndSwap(false, true) {
			close(g.entered)
			<-g.release
			return next(ctx, cmd)
		}
		if g.failing.Load() {
			err := errors.New("injected failure")
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}

func (g *gatedScripts) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

// A take that Redis answers after the breaker opened, having been sent
// before, does not close it: only a trial after a probe does, and the one
// probe goes on.
func TestLateAnswerDoesNotCloseTheBreaker(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _ := client(t, s)
	tr := newTransitions()
	rc := newCounter(t, c, Config{Timeout: patience, FailureThreshold: 1, OnStateChange: tr.record})
	clk := probeClock(rc)
	policies := []ratelimit.Policy{{Name: "p", Quota: 100, Window: time.Hour}}
	if _, err := rc.Take(context.Background(), "warm-up", 1, policies, make([]ratelimit.Usage, 1)); err != nil {
		t.Fatal(err) // loads the script
	}
	g := &gatedScripts{entered: make(chan struct{}), release: make(chan struct{})}
	c.AddHook(g)

	late := make(chan error, 1)
	go func() {
		_, err := rc.Take(context.Background(), "k", 1, policies, make([]ratelimit.Usage, 1))
		late <- err
	}()
	<-g.entered
	g.failing.Store(true)
	rc.Take(context.Background(), "k", 1, policies, make([]ratelimit.Usage, 1))
	tr.waitFor(t, StateFallback, 5*time.Second)
	clk.NextWait(t) // the probe waits
	close(g.release)
	if err := <-late; err != nil {
		t.Fatal(err)
	}
	if rc.State() != StateFallback {
		t.Errorf("state %v after a late answer, want open: switches %v", rc.State(), tr.got)
	}
	rc.Take(context.Background(), "k", 1, policies, make([]ratelimit.Usage, 1))
	g.failing.Store(false)
	clk.Advance(rc.interval) // the probe pings
	tr.waitFor(t, StateTrial, 5*time.Second)
	if taken, err := rc.Take(context.Background(), "k", 1, policies, make([]ratelimit.Usage, 1)); !taken || err != nil {
		t.Fatalf("trial: %v %v", taken, err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if got := strings.Join(tr.got, " "); got != "closed->open open->half-open half-open->closed" {
		t.Errorf("switches %q, want closed->open open->half-open half-open->closed", got)
	}
}
