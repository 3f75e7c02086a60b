package ratelimit

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

// On a 429, the legacy fields describe the policy Retry-After comes from:
// of two policies the request does not fit, the one with less left may
// have its unit back in a second while the other needs an hour, and a
// client that retried at X-RateLimit-Reset would be refused again.
func TestLegacyHeadersOfARefusalDescribeThePolicyOfRetryAfter(t *testing.T) {
	lc, clock := fakeCounter(t0)
	l, err := NewLimiter(Policy{Name: "burst", Quota: 6, Window: time.Second},
		AndPolicy(Policy{Name: "hourly", Quota: 20, Window: time.Hour}),
		Cost(func(*http.Request) int { return 6 }), CountIn(lc), LegacyHeaders())
	if err != nil {
		t.Fatal(err)
	}
	h := router(l.Handler)
	for i := range 3 { // each spends burst whole; hourly keeps 2
		clock.Advance(time.Duration(i) * 2 * time.Second)
		if w := do(h, "/other", "192.0.2.1:1"); w.Code != http.StatusOK {
			t.Fatalf("%d, want 200", w.Code)
		}
	}
	w := do(h, "/other", "192.0.2.1:1") // burst: 0 left, hourly: 2; neither fits 6
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("%d, want 429", w.Code)
	}
	reset, _ := strconv.ParseInt(w.Header().Get("X-RateLimit-Reset"), 10, 64)
	retry := retryAfter(t, w)
	if lim := w.Header().Get("X-RateLimit-Limit"); lim != "20" || reset-time.Now().Unix() < retry-1 {
		t.Errorf("X-RateLimit-Limit %s, X-RateLimit-Reset in %ds, Retry-After %d: want the hourly policy's 20, at Retry-After",
			lim, reset-time.Now().Unix(), retry)
	}
}
