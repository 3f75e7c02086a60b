package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

// FuzzRateLimitFields: whatever the policy names, quotas, windows and
// counts, a limiter either refuses the configuration or renders both
// fields as valid RFC 9651 lists saying what its policies are.
func FuzzRateLimitFields(f *testing.F) {
	f.Add("burst", int64(100), int64(60000), int64(42000), int64(58), int64(0), int64(1), true)
	f.Add(`a "quoted" \ name`, int64(1), int64(1), int64(0), int64(5), int64(9), int64(3), false)
	f.Add("daily", int64(MaxQuota), MaxWindow.Milliseconds(), int64(-5), int64(1<<50), int64(-1), int64(0), false)
	f.Add("", int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), false)
	f.Add("tab\there", int64(3), int64(1500), int64(1499), int64(2), int64(2), int64(7), false)
	f.Fuzz(func(t *testing.T, name string, quota, windowMs, elapsedMs, cur, prev, cost int64, taken bool) {
		if quota > 1<<40 || quota < -1<<40 || windowMs > 1<<50 || windowMs < -1<<50 {
			return // Policy.Quota is an int; keep Window's multiplication in range
		}
		p := Policy{Name: name, Quota: int(quota), Window: time.Duration(windowMs) * time.Millisecond}
		if p.Name == "" {
			p.Name = "default" // what New names an unnamed policy
		}
		other := Policy{Name: "other", Quota: 7, Window: time.Hour}
		if name == "other" {
			other.Name = "other2"
		}
		l, err := New(p, WithPolicy(other), LegacyHeaders())
		if err != nil {
			if p.validate() == nil {
				t.Fatalf("New refused a valid policy %+v: %v", p, err)
			}
			return
		}
		usage := []Usage{
			{Current: cur, Previous: prev, Elapsed: time.Duration(elapsedMs) * time.Millisecond},
			{Current: 3},
		}
		h := http.Header{}
		retry := l.setFields(h, &scratch{}, usage, taken, max(cost, 0))

		pol, err := parseSFList(h.Get("RateLimit-Policy"))
		if err != nil || len(pol) != 2 {
			t.Fatalf("RateLimit-Policy %q: %v", h.Get("RateLimit-Policy"), err)
		}
		rl, err := parseSFList(h.Get("RateLimit"))
		if err != nil || len(rl) != 2 {
			t.Fatalf("RateLimit %q: %v", h.Get("RateLimit"), err)
		}
		for i, want := range []Policy{p, other} {
			if pol[i].value != want.Name || rl[i].value != want.Name {
				t.Errorf("item %d names %v / %v, want %q", i, pol[i].value, rl[i].value, want.Name)
			}
			q, _ := pol[i].param("q")
			w, _ := pol[i].param("w")
			if q != int64(want.Quota) || w != want.windowSeconds() || w.(int64) < 1 {
				t.Errorf("policy %d: q=%v w=%v", i, q, w)
			}
			r, okR := rl[i].param("r")
			tt, okT := rl[i].param("t")
			if !okR || !okT || r.(int64) < 0 || r.(int64) > int64(want.Quota) || tt.(int64) < 1 {
				t.Errorf("RateLimit item %d: r=%v t=%v", i, r, tt)
			}
		}
		if !taken && retry < 1 && h.Get("RateLimit") != "" {
			// A refusal always has a positive Retry-After, unless nothing
			// was violated (a counter refusing without cause).
			s := newState(&l.policies[0], &usage[0])
			if !fits(s.q, s.w, s.e, s.c, s.p, max(cost, 0)) {
				t.Errorf("refused with Retry-After %d", retry)
			}
		}
	})
}
