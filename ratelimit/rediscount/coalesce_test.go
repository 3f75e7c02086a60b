package rediscount

import (
	"context"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/ratelimit"
	goredis "github.com/redis/go-redis/v9"
)

// gate holds every script a client sends until released, and reports
// each one as it arrives.
type gate struct {
	arrived chan int64 // the takes each held script carries
	release chan struct{}
}

func newGate() *gate { return &gate{arrived: make(chan int64, 1024), release: make(chan struct{})} }

func (g *gate) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (g *gate) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if cmd.Name() == "evalsha" || cmd.Name() == "eval" {
			g.arrived <- takes(cmd)
			<-g.release
		}
		return next(ctx, cmd)
	}
}

func (g *gate) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

// gatedClient is a client of s with context deadlines on its sockets,
// which coalesces takes, counting its round trips, held by a gate.
func gatedClient(t *testing.T, s *redistest.Server) (*goredis.Client, *roundTrips, *gate) {
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	rt, g := &roundTrips{}, newGate()
	c.AddHook(rt)
	c.AddHook(g)
	return c, rt, g
}

// waitQueued waits until n takes wait in co's queue.
// takeBehindGate runs takers calls of take over keys keys ("user:0" ...):
// the first maxSending are held at g, the others queue behind them, then g
// lets all through. held, if set, runs while the first are held. It returns
// how many takes took their cost; a take's error fails t.
func takeBehindGate(t testing.TB, rc *Counter, g *gate, takers, keys int, take func(key string) (bool, error), held func()) int64 {
	var taken atomic.Int64
	var wg sync.WaitGroup
	run := func(i int) {
		defer wg.Done()
		ok, err := take("user:" + strconv.Itoa(i%keys))
		if err != nil {
			t.Error(err)
		}
		if ok {
			taken.Add(1)
		}
	}
	wg.Add(takers)
	for i := range maxSending {
		go run(i)
	}
	for range maxSending {
		<-g.arrived
	}
	if held != nil {
		held()
	}
	for i := maxSending; i < takers; i++ {
		go run(i)
	}
	waitQueued(rc.batches, takers-maxSending)
	close(g.release)
	wg.Wait()
	return taken.Load()
}

// waitSending waits until n batches are on their way, and reports true,
// or until ended is closed first.
func waitSending(co *coalescer, n int, ended <-chan struct{}) bool {
	for {
		co.mu.Lock()
		full := co.sending == n
		co.mu.Unlock()
		if full {
			return true
		}
		select {
		case <-ended:
			return false
		default:
			runtime.Gosched()
		}
	}
}

func waitQueued(co *coalescer, n int) {
	for {
		co.mu.Lock()
		l := len(co.queue)
		co.mu.Unlock()
		if l >= n {
			return
		}
		runtime.Gosched()
	}
}

// Takes beyond maxSending wait for a batch on its way, then go together:
// each costs its request one round trip, and the quota holds exactly.
func TestConcurrentTakesShareOneScriptAndCountExactly(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, rt, g := gatedClient(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	if _, err := s.Do("SCRIPT", "LOAD", takeSource); err != nil {
		t.Fatal(err)
	}
	policies := []ratelimit.Policy{{Name: "hourly", Quota: 40, Window: time.Hour}, {Name: "daily", Quota: 50, Window: 24 * time.Hour}}
	inWindow(t, time.Hour, 0, time.Hour-30*time.Second)
	const takers = 64
	var taken atomic.Int64
	var wg sync.WaitGroup
	take := func() {
		defer wg.Done()
		usage := make([]ratelimit.Usage, 2)
		ok, err := rc.Take(context.Background(), "shared", 1, policies, usage)
		if err != nil {
			t.Error(err)
		}
		if ok {
			taken.Add(1)
		}
	}
	wg.Add(takers)
	for range maxSending {
		go take()
	}
	for range maxSending {
		<-g.arrived
	}
	for range takers - maxSending {
		go take()
	}
	waitQueued(rc.batches, takers-maxSending)
	close(g.release)
	wg.Wait()
	if taken.Load() != 40 || rc.State() != StateRedis {
		t.Errorf("%d taken, state %v; want exactly the hourly quota of 40, in Redis", taken.Load(), rc.State())
	}
	if n, trips := rt.n.Load(), rt.trips.Load(); n != takers || trips > 2*maxSending || trips < maxSending+1 {
		t.Errorf("%d takes carried in %d round trips; want %d in %d alone and the rest in at most %d together",
			n, trips, takers, maxSending, maxSending)
	}
}

// Takes whose requests end while they wait leave the queue: they count
// in the fallback, hold no other take back, and are not Redis' failures.
func TestCancelledTakesLeaveTheQueue(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, rt, g := gatedClient(t, s)
	rc := newCounter(t, c, Config{Timeout: patience, FailureThreshold: 1})
	policies := []ratelimit.Policy{{Name: "hourly", Quota: 1000, Window: time.Hour}}
	for round := range 20 {
		release := make(chan struct{})
		g.release = release
		var wg sync.WaitGroup
		take := func(ctx context.Context) {
			defer wg.Done()
			usage := make([]ratelimit.Usage, 1)
			if ok, err := rc.Take(ctx, "k", 1, policies, usage); !ok || err != nil {
				t.Errorf("round %d: %v %v", round, ok, err)
			}
		}
		wg.Add(maxSending + 8)
		for range maxSending {
			go take(context.Background())
		}
		for range maxSending {
			<-g.arrived
		}
		ctx, cancel := context.WithCancel(context.Background())
		for i := range 8 {
			if i%2 == 0 {
				go take(ctx)
			} else {
				go take(context.Background())
			}
		}
		waitQueued(rc.batches, 8)
		if round%2 == 0 {
			cancel() // before the batches return: the cancelled takes leave the queue
			close(release)
		} else {
			go cancel() // while they return: some may have been chosen to send the queue
			close(release)
		}
		wg.Wait()
		cancel()
		for len(g.arrived) > 0 {
			<-g.arrived
		}
		rc.batches.mu.Lock()
		sending, left := rc.batches.sending, len(rc.batches.queue)
		rc.batches.mu.Unlock()
		if sending != 0 || left != 0 || rc.State() != StateRedis {
			t.Fatalf("round %d: %d batches sending, %d takes queued, state %v; want none, none, closed", round, sending, left, rc.State())
		}
	}
	if rt.n.Load() < 20*(maxSending+4) {
		t.Errorf("%d takes carried, want at least the %d not cancelled", rt.n.Load(), 20*(maxSending+4))
	}
}

// A take queued behind batches that a hung Redis holds waits no longer
// than the timeout.
func TestQueuedTakeWaitsAtMostTheTimeout(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	const timeout = 100 * time.Millisecond
	rc := newCounter(t, c, Config{Timeout: timeout, FailureThreshold: 100})
	policies := []ratelimit.Policy{{Name: "hourly", Quota: 1000, Window: time.Hour}}
	rc.Take(context.Background(), "k", 1, policies, make([]ratelimit.Usage, 1)) // loads the script
	s.Pause()
	defer s.Resume()
	// maxSending takes hang on the paused Redis. On a loaded machine the
	// first may time out before the last has started: then all end, and
	// the test starts them again.
	var wg sync.WaitGroup
	for attempt := 0; ; attempt++ {
		wg.Add(maxSending)
		for range maxSending {
			go func() {
				defer wg.Done()
				rc.Take(context.Background(), "k", 1, policies, make([]ratelimit.Usage, 1))
			}()
		}
		ended := make(chan struct{})
		go func() { wg.Wait(); close(ended) }()
		if waitSending(rc.batches, maxSending, ended) {
			break
		}
		if attempt == 20 {
			t.Fatalf("%d takes were never on their way at once", maxSending)
		}
	}
	start := time.Now()
	cl := rc.batches.get()
	rc.setPart(&cl.part, "k", 1, policies)
	err := rc.batches.do(context.Background(), cl)
	d := time.Since(start)
	wg.Wait()
	// The timeout is real time: a hang would last until the end of the test,
	// and a loaded machine gets the slack it needs (-race next to others).
	if err == nil || d > timeout+2*time.Second {
		t.Errorf("queued take: %v after %v, want an error within about %v", err, d, timeout)
	}
}

// A hash Redis cannot read (another type under the key) fails its own take
// only, not the others of its script.
func TestUnreadableKeyFailsOnlyItsTake(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c, _, g := gatedClient(t, s)
	rc := newCounter(t, c, Config{Timeout: patience})
	if _, err := s.Do("SET", rc.key("bad"), "not a hash"); err != nil {
		t.Fatal(err)
	}
	policies := []ratelimit.Policy{{Name: "hourly", Quota: 1000, Window: time.Hour}}
	keys := []string{"a", "b", "c", "d", "bad", "e", "f"}
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	take := func(i int) {
		defer wg.Done()
		_, errs[i] = rc.take(context.Background(), keys[i], 1, policies, make([]ratelimit.Usage, 1))
	}
	wg.Add(len(keys))
	for i := range maxSending {
		go take(i)
	}
	for range maxSending {
		<-g.arrived
	}
	for i := maxSending; i < len(keys); i++ {
		go take(i)
	}
	waitQueued(rc.batches, len(keys)-maxSending)
	close(g.release)
	wg.Wait()
	for i, err := range errs {
		if bad := keys[i] == "bad"; bad != (err != nil) || bad && !strings.Contains(err.Error(), "WRONGTYPE") {
			t.Errorf("key %q: %v", keys[i], err)
		}
	}
}
