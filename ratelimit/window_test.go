package ratelimit

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestRemainingAndWait(t *testing.T) {
	tests := []struct {
		name                string
		q, w, e, c, p, need int64
		wantR, wantWait     int64
		wantOK              bool
	}{
		{"fresh", 10, 60000, 0, 0, 0, 1, 10, 0, true},
		{"half the previous window weighs half", 10, 60000, 30000, 0, 10, 1, 5, 0, true},
		{"full: wait for the previous window to fade", 10, 60000, 30000, 0, 20, 1, 0, 3000, true},
		{"current window full: into the next one", 10, 60000, 45000, 10, 0, 1, 0, 15000 + 6000, true},
		{"need more than the quota", 10, 60000, 0, 0, 0, 11, 10, 0, false},
		{"overshoot from elsewhere never goes negative", 10, 60000, 0, 15, 30, 1, 0, 60000 + 24000, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := state{q: tt.q, w: tt.w, e: tt.e, c: tt.c, p: tt.p}
			if r := s.remaining(); r != tt.wantR {
				t.Errorf("remaining %d, want %d", r, tt.wantR)
			}
			d, ok := s.wait(tt.need)
			if ok != tt.wantOK || ok && d != tt.wantWait {
				t.Errorf("wait %d %v, want %d %v", d, ok, tt.wantWait, tt.wantOK)
			}
		})
	}
}

// advance returns s after d ms in which nothing was taken.
func (s state) advance(d int64) state {
	e := s.e + d
	for e >= s.w {
		e -= s.w
		s.p, s.c = s.c, 0
	}
	s.e = e
	return s
}

// fitsExactly is the continuous model in exact integers: p*(w-e)/w + c + need <= q.
func (s state) fitsExactly(need int64) bool {
	return s.p*(s.w-s.e) <= (s.q-s.c-need)*s.w
}

// wait is the least whole millisecond after which need units fit, exactly,
// and the rounded fixed-point test the counters use agrees at that time.
func TestWaitIsTheLeastTimeUntilUnitsFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		w := 1 + rng.Int64N(100000)
		q := 1 + rng.Int64N(1000)
		s := state{q: q, w: w, e: rng.Int64N(w), c: rng.Int64N(q + 1), p: rng.Int64N(2*q + 1)}
		need := 1 + rng.Int64N(q)
		d, ok := s.wait(need)
		if !ok {
			t.Fatalf("%+v need %d: never fits", s, need)
		}
		after := s.advance(d)
		if !after.fitsExactly(need) || !fits(after.q, after.w, after.e, after.c, after.p, need) {
			t.Fatalf("%+v need %d: wait %d, but %+v does not fit", s, need, d, after)
		}
		if d > 0 && s.advance(d-1).fitsExactly(need) {
			t.Fatalf("%+v need %d: wait %d, but it fits a millisecond earlier", s, need, d)
		}
	}
}

func TestSecondsRoundUp(t *testing.T) {
	for ms, want := range map[int64]int64{0: 0, 1: 1, 999: 1, 1000: 1, 1001: 2, 59999: 60} {
		if got := seconds(ms); got != want {
			t.Errorf("seconds(%d) = %d, want %d", ms, got, want)
		}
	}
	if (Policy{Window: 1500 * time.Millisecond}).windowSeconds() != 2 {
		t.Error("w does not round up")
	}
}
