package ratelimit

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// panickingCounter is a Counter whose takes of a unit panic while panics
// is set, and whose peeks (cost 0) too while peeks is.
type panickingCounter struct {
	Counter
	panics, peeks atomic.Bool
}

func (c *panickingCounter) Take(ctx context.Context, key string, cost int, policies []Policy, usage []Usage) (bool, error) {
	if cost > 0 && c.panics.Load() || cost == 0 && c.peeks.Load() {
		panic("counter bug")
	}
	return c.Counter.Take(ctx, key, cost, policies, usage)
}

// A Counter that panics while a failure is counted (a bug of its own, which
// Recoverer answers with a 500) must not leave the client's check open:
// the client would be held back, for ever, by a check that never ends. Nor
// may one that panics on the peek before a check keep the client's gate.
func TestAPanickingCounterLeavesNoCheckOpen(t *testing.T) {
	lc, _ := fakeCounter(t0.Add(24 * time.Second))
	c := &panickingCounter{Counter: lc}
	f, err := NewFailureLimiter(Policy{Quota: 1, Window: time.Minute}, CountIn(c))
	if err != nil {
		t.Fatal(err)
	}
	quiet := &problem.Writer{Logger: slog.New(slog.DiscardHandler)}
	h := quiet.Handler(middleware.Recoverer(router(auth.Authenticate(auth.APIKey(&keyVerifier{}), auth.ThrottleFailures(f)))))

	c.panics.Store(true)
	if w := do(h, "/items/1", "192.0.2.1:1234", apiKey("wrong")); w.Code != http.StatusInternalServerError {
		t.Fatalf("a failure the counter panicked on: %d, want the Recoverer's 500", w.Code)
	}
	if n := f.inProgress(); n != 0 {
		t.Errorf("%d clients with a check still open after the panic", n)
	}

	c.panics.Store(false)
	c.peeks.Store(true)
	if w := do(h, "/items/1", "192.0.2.1:1234", apiKey("good")); w.Code != http.StatusInternalServerError {
		t.Fatalf("a peek the counter panicked on: %d, want the Recoverer's 500", w.Code)
	}
	if n := f.inProgress(); n != 0 {
		t.Errorf("%d clients with a gate still held after the panic", n)
	}

	c.peeks.Store(false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a check that must wait would be refused at once
	w := do(h, "/items/1", "192.0.2.1:1234", apiKey("good"), func(r *http.Request) { *r = *r.WithContext(ctx) })
	if w.Code != http.StatusOK {
		t.Errorf("the client's next request: %d, want 200", w.Code)
	}
}
