package testkit

import (
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock.Clock: its time moves only by Advance, and each
// After call is queued for NextWait, so that a test can wait for a
// background loop to reach its next wait instead of sleeping.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  []time.Time   // deadlines of After calls not yet taken by NextWait
	waited chan struct{} // closed and replaced at each After call
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, waited: make(chan struct{})}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the time on by d and fires the After channels now due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fire()
}

// After returns a channel that receives the clock's time once Advance has
// moved it d on, and queues the deadline for NextWait.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := fakeTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	c.waits = append(c.waits, t.at)
	close(c.waited)
	c.waited = make(chan struct{})
	c.fire()
	return t.c
}

func (c *Clock) fire() {
	kept := c.timers[:0]
	for _, t := range c.timers {
		if t.at.After(c.now) {
			kept = append(kept, t)
		} else {
			t.c <- c.now
		}
	}
	c.timers = kept
}

// NextWait returns the deadline of the oldest After call it has not yet
// returned, waiting for one if there is none. The wait is bounded only so
// that a loop that never waits again fails the test instead of hanging it.
func (c *Clock) NextWait(tb testing.TB) time.Time {
	tb.Helper()
	failsafe := time.NewTimer(10 * time.Second)
	defer failsafe.Stop()
	for {
		c.mu.Lock()
		if len(c.waits) > 0 {
			at := c.waits[0]
			c.waits = c.waits[1:]
			c.mu.Unlock()
			return at
		}
		waited := c.waited
		c.mu.Unlock()
		select {
		case <-waited:
		case <-failsafe.C:
			tb.Fatal("testkit: no After call on the fake clock within 10s")
		}
	}
}

// Receive returns the next value from ch. The wait is bounded only so that
// a value that never comes fails the test, naming what, instead of
// hanging it.
func Receive[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	failsafe := time.NewTimer(10 * time.Second)
	defer failsafe.Stop()
	select {
	case v := <-ch:
		return v
	case <-failsafe.C:
		tb.Fatalf("testkit: %s did not happen within 10s", what)
	}
	var zero T
	return zero
}
