package ratelimit

import "time"

// The sliding window, as in httprate: a key's load is its count in the
// current fixed window plus its count in the previous one, weighted by the
// share of the previous window still inside the sliding window. A cost
// fits while load+cost <= quota.
//
// Everything is integer arithmetic in milliseconds and millionths of a
// unit, so the Go counters and the Redis Lua script (doubles, exact below
// 2^53) decide alike; Policy's bounds keep every product in range.

// Usage is what a Counter saw for one policy in its atomic step.
type Usage struct {
	// Current counts the units taken in the current window, including the
	// request's cost if it was taken.
	Current int64
	// Previous counts the units taken in the window before.
	Previous int64
	// Elapsed is the time since the current window began, in [0, Window).
	Elapsed time.Duration
}

const unit = 1_000_000 // fixed-point scale of one quota unit

// maxCount bounds counts from foreign counters before any arithmetic.
const maxCount = 1 << 40

// state is one policy's usage in integer form.
type state struct {
	q, w, e, c, p int64 // quota, window ms, elapsed ms, current, previous
}

func newState(p *Policy, u *Usage) state {
	s := state{q: int64(p.Quota), w: p.Window.Milliseconds(), e: u.Elapsed.Milliseconds(), c: u.Current, p: u.Previous}
	s.e = min(max(s.e, 0), s.w-1)
	s.c = min(max(s.c, 0), maxCount)
	s.p = min(max(s.p, 0), maxCount)
	return s
}

// weight is the share of the previous window still inside the sliding
// window, in millionths, rounded down.
func weight(w, e int64) int64 { return (w - e) * unit / w }

// load is the weighted count in millionths of a unit.
func (s state) load() int64 {
	if s.p == 0 { // no division on the common path
		return s.c * unit
	}
	return s.p*weight(s.w, s.e) + s.c*unit
}

// fits reports whether cost more units are allowed now. The Lua script in
// package rediscount implements the same test.
func fits(q, w, e, c, p, cost int64) bool {
	if p == 0 {
		return c+cost <= q
	}
	return p*weight(w, e)+(c+cost)*unit <= q*unit
}

// remaining is the number of whole units still allowed now, never negative.
func (s state) remaining() int64 {
	free := s.q*unit - s.load()
	if free <= 0 {
		return 0
	}
	return free / unit
}

// wait returns the time, in milliseconds, until need units fit, if no
// other units are taken meanwhile; ok is false if they never fit (need is
// over the quota). It is exact under the continuous model, which the
// rounded-down weight only makes more lenient, so a request retried after
// wait always fits.
func (s state) wait(need int64) (ms int64, ok bool) {
	if need > s.q {
		return 0, false
	}
	if free := s.q - s.c - need; free >= 0 {
		// Within this window: p*(w-e-d)/w <= free.
		if s.p == 0 {
			return 0, true
		}
		return max(0, s.w-s.e-free*s.w/s.p), true
	}
	// Only after this window ends, when the current count becomes the
	// previous one: c*(w-x)/w <= q-need, x into the next window.
	x := max(0, s.w-(s.q-need)*s.w/s.c)
	return s.w - s.e + x, true
}

// untilWindowEnd is the time left in the current window, in milliseconds.
func (s state) untilWindowEnd() int64 { return s.w - s.e }

// seconds rounds milliseconds up to whole seconds.
func seconds(ms int64) int64 { return (ms + 999) / 1000 }
