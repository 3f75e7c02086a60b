package rediscount

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/ratelimit"
	goredis "github.com/redis/go-redis/v9"
)

// lossyConn loses the connection once, after Redis has run a script and
// before its reply arrives: the reply is read off the wire, then the
// connection is closed and the client sees EOF.
type lossyConn struct {
	net.Conn
	armed   *atomic.Bool
	script  bool // a script was written on this connection
	dropped bool
}

func (c *lossyConn) Write(b []byte) (int, error) {
	if bytes.Contains(bytes.ToLower(b), []byte("evalsha")) || bytes.Contains(bytes.ToLower(b), []byte("\r\neval\r\n")) {
		c.script = true
	}
	return c.Conn.Write(b)
}

func (c *lossyConn) Read(b []byte) (int, error) {
	if c.dropped {
		return 0, io.EOF
	}
	n, err := c.Conn.Read(b)
	if c.script && n > 0 && c.armed.CompareAndSwap(true, false) {
		c.dropped = true
		c.Conn.Close()
		return 0, io.EOF
	}
	return n, err
}

// A script whose reply is lost with its connection has run: sending it
// again, as go-redis retries a command after EOF, would take the request's
// cost twice in Redis, for every take of its batch, and hand the request
// the second run's verdict.
func TestLostReplyIsNotTakenTwice(t *testing.T) {
	t.Parallel()
	s, cluster := redistest.Start(t), redistest.StartCluster(t)
	type dialer = func(context.Context, string, string) (net.Conn, error)
	clients := []struct {
		name string
		new  func(dial dialer) goredis.UniversalClient
	}{
		{"single", func(dial dialer) goredis.UniversalClient {
			return goredis.NewClient(&goredis.Options{Addr: s.Addr, Dialer: dial})
		}},
		{"single-ctx-bound", func(dial dialer) goredis.UniversalClient {
			return goredis.NewClient(&goredis.Options{Addr: s.Addr, Dialer: dial, ContextTimeoutEnabled: true})
		}},
		{"ring", func(dial dialer) goredis.UniversalClient {
			return goredis.NewRing(&goredis.RingOptions{Addrs: map[string]string{"one": s.Addr}, Dialer: dial})
		}},
		{"cluster", func(dial dialer) goredis.UniversalClient {
			return goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: []string{cluster.Addr}, Dialer: dial, ContextTimeoutEnabled: true})
		}},
	}
	for _, cl := range clients {
		armed := &atomic.Bool{}
		c := cl.new(func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &lossyConn{Conn: conn, armed: armed}, nil
		})
		t.Cleanup(func() { c.Close() })
		rc := newCounter(t, c, Config{Timeout: patience})
		p := ratelimit.Policy{Name: cl.name, Quota: 2, Window: time.Hour}
		if _, err := rc.Take(context.Background(), "warm-up", 1, []ratelimit.Policy{p}, make([]ratelimit.Usage, 1)); err != nil {
			t.Fatal(err) // loads the script
		}
		inWindow(t, time.Hour, 0, time.Hour-5*time.Second)
		h := handler(limit(t, p, ratelimit.CountIn(rc), ratelimit.KeyBy(ratelimit.Key(cl.name))))

		armed.Store(true)
		w := get(h)
		if armed.Load() {
			t.Fatalf("%s: no connection was lost", cl.name)
		}
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("RateLimit"), `"`+cl.name+`";r=1;t=`) {
			t.Errorf("%s: first request: %d %q, want 200 with r=1", cl.name, w.Code, w.Header().Get("RateLimit"))
		}
		if w := get(h); w.Code != http.StatusOK {
			t.Errorf("%s: second request: %d %s, want 200: the first took two units in Redis", cl.name, w.Code, w.Body)
		}
		if w := get(h); w.Code != http.StatusTooManyRequests {
			t.Errorf("%s: third request: %d, want 429", cl.name, w.Code)
		}
	}
}
