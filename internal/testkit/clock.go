package testkit

import (
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock.Clock: its time moves only by Advance, and the
// deadline of each After call is sent on Waits, so that a test can wait
// for a background loop to reach its next wait instead of sleeping.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  chan time.Time
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

// maxWaits bounds the After calls a test may leave unread on Waits.
const maxWaits = 1024

// NewClock returns a Clock reading start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, waits: make(chan time.Time, maxWaits)}
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
// moved it d on, and sends the deadline on Waits.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := fakeTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	c.timers = append(c.timers, t)
	select {
	case c.waits <- t.at:
	default:
		panic("testkit: more than 1024 After calls left unread on Clock.Waits")
	}
	c.fire()
	return t.c
}

// Waits receives the deadline of every After call, in order.
func (c *Clock) Waits() <-chan time.Time { return c.waits }

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

// NextWait returns the deadline of the next After call, waiting for it if
// none is unread on Waits.
func (c *Clock) NextWait(tb testing.TB) time.Time {
	tb.Helper()
	return Receive(tb, c.waits, "an After call on the fake clock")
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
