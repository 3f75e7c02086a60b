// Package clock is the time source of chiguard's background loops: a field
// of type Clock that is System in production and a fake in tests (see
// internal/testkit), so that tests drive time instead of sleeping.
package clock

import "time"

// Clock tells the time and waits for it.
type Clock interface {
	Now() time.Time
	// After is time.After on this clock.
	After(d time.Duration) <-chan time.Time
}

// System is the computer's clock.
type System struct{}

// Now returns time.Now().
func (System) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (System) After(d time.Duration) <-chan time.Time { return time.After(d) }
