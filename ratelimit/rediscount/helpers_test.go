package rediscount

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	goredis "github.com/redis/go-redis/v9"
)

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

// Every test that starts a redis-server runs in parallel: each has a
// server of its own, and most of their time is spent waiting on Redis.
func TestMain(m *testing.M) {
	goredis.SetLogger(quietLogger{}) // dial errors are expected while Redis is down
	os.Exit(m.Run())
}

// roundTrips counts the round trips of a client's requests: n, the takes
// carried (a script carries as many as it has keys, any other command or
// pipeline one), each of which costs its request one round trip; and
// trips, the commands and pipelines sent, fewer than n when takes share
// them. Neither counts the handshake of a new pooled connection (HELLO,
// AUTH, CLIENT, SELECT), which is not a request's.
type roundTrips struct{ n, trips atomic.Int64 }

func handshake(cmd goredis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "auth", "client", "select":
		return true
	}
	return false
}

// takes is the number of takes cmd carries.
func takes(cmd goredis.Cmder) int64 {
	if name := cmd.Name(); name == "evalsha" || name == "eval" {
		if n, ok := cmd.Args()[2].(int); ok {
			return int64(n)
		}
	}
	return 1
}

func (h *roundTrips) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (h *roundTrips) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if !handshake(cmd) {
			h.n.Add(takes(cmd))
			h.trips.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		var n int64
		scripts := false
		for _, c := range cmds {
			if c.Name() == "evalsha" || c.Name() == "eval" {
				n += takes(c)
				scripts = true
			}
		}
		if !scripts && !slices.ContainsFunc(cmds, func(c goredis.Cmder) bool { return !handshake(c) }) {
			return next(ctx, cmds)
		}
		h.n.Add(max(n, 1))
		h.trips.Add(1)
		return next(ctx, cmds)
	}
}

// client returns a client of s that counts its round trips.
func client(t testing.TB, s *redistest.Server) (*goredis.Client, *roundTrips) {
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr})
	t.Cleanup(func() { c.Close() })
	rt := &roundTrips{}
	c.AddHook(rt)
	return c, rt
}

// patience is the Redis timeout of the tests about counting rather than
// timeouts: a loaded machine must not trip the fallback, which counts
// apart from Redis.
const patience = 10 * time.Second

// newCounter returns a Counter closed at the end of the test.
func newCounter(t testing.TB, c goredis.UniversalClient, opts Config) *Counter {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = discard
	}
	rc, err := NewCounter(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	return rc
}

// handler is an API with one limited route, "/", answering 200 "ok".
func handler(mw func(http.Handler) http.Handler) http.Handler {
	quiet := &problem.Writer{Logger: discard}
	return quiet.Handler(mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })))
}

func get(h http.Handler) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	return w
}

// probeClock puts rc's probe on a fake clock, which the test advances.
func probeClock(rc *Counter) *testkit.Clock {
	clk := testkit.NewClock(time.Unix(1_700_000_000, 0))
	rc.clock = clk
	return clk
}

// inWindow waits until the current window of length w has run for at
// least from and less than to, so that a test's requests land in one
// window, at a known point of it: Redis counts by its own clock, which no
// test can move.
// It refuses a wait over a minute, which would stall the test run at some
// times of day: pick the smallest window whose boundaries matter.
func inWindow(tb testing.TB, w, from, to time.Duration) {
	tb.Helper()
	e := time.Duration(time.Now().UnixMilli()%w.Milliseconds()) * time.Millisecond
	wait := time.Duration(0)
	switch {
	case e < from:
		wait = from - e
	case e >= to:
		wait = w - e + from
	}
	if wait > time.Minute {
		tb.Fatalf("inWindow(%v, %v, %v) would wait %v", w, from, to, wait)
	}
	time.Sleep(wait)
}

var _ ratelimit.Counter = (*Counter)(nil)

// limit is the middleware of a limiter enforcing p.
func limit(tb testing.TB, p ratelimit.Policy, opts ...ratelimit.Option) func(http.Handler) http.Handler {
	tb.Helper()
	l, err := ratelimit.NewLimiter(p, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return l.Handler
}
