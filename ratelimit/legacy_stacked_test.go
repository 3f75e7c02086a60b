package ratelimit

import (
	"net/http"
	"testing"
	"time"
)

// Behind two limiters, the legacy fields describe the policy closest to
// refusing on the route, not the last limiter's: a client reading
// X-RateLimit-Remaining: 99 from the second would send a request the
// first refuses.
func TestStackedLegacyHeadersDescribeTheTightestLimiter(t *testing.T) {
	lc, _ := fakeCounter(t0)
	tight := limitNamed("tight", 1, time.Minute, CountIn(lc), LegacyHeaders())
	loose := limitNamed("loose", 100, time.Minute, CountIn(lc), LegacyHeaders())
	for _, tt := range []struct {
		name  string
		mw    func(http.Handler) http.Handler
		quota string
	}{
		{"tight first", func(next http.Handler) http.Handler { return tight(loose(next)) }, "1"},
		{"tight last", func(next http.Handler) http.Handler { return loose(tight(next)) }, "1"},
	} {
		remote := "192.0.2.1:1"
		if tt.name == "tight last" {
			remote = "192.0.2.2:1"
		}
		w := do(router(tt.mw), "/other", remote)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d, want 200", tt.name, w.Code)
		}
		if h := w.Header(); h.Get("X-RateLimit-Limit") != tt.quota || h.Get("X-RateLimit-Remaining") != "0" {
			t.Errorf("%s: X-RateLimit-Limit %q, X-RateLimit-Remaining %q; want %s and 0 (the tight policy)",
				tt.name, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"), tt.quota)
		}
	}

	// The limiter that refuses describes itself, as Retry-After does.
	w := do(router(func(next http.Handler) http.Handler { return loose(tight(next)) }), "/other", "192.0.2.2:1")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("X-RateLimit-Limit") != "1" {
		t.Errorf("refusal: %d, X-RateLimit-Limit %q; want 429 and 1", w.Code, w.Header().Get("X-RateLimit-Limit"))
	}
}

// Legacy fields an earlier limiter set describe the 429 of a later one
// without LegacyHeaders too: left as they were, they would describe a
// policy the request did not break, with quota left, beside its
// Retry-After.
func TestRefusalOfALimiterWithoutLegacyHeadersDescribesItsPolicy(t *testing.T) {
	lc, _ := fakeCounter(t0)
	loose := limitNamed("loose", 100, time.Minute, CountIn(lc), LegacyHeaders())
	tight := limitNamed("tight", 1, time.Minute, CountIn(lc))
	h := router(func(next http.Handler) http.Handler { return loose(tight(next)) })
	if w := do(h, "/other", "192.0.2.3:1"); w.Code != http.StatusOK || w.Header().Get("X-RateLimit-Limit") != "100" {
		t.Fatalf("first request: %d, X-RateLimit-Limit %q; want 200 and the loose policy's 100", w.Code, w.Header().Get("X-RateLimit-Limit"))
	}
	w := do(h, "/other", "192.0.2.3:1")
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("second request: %d, want 429", w.Code)
	}
	hd := w.Header()
	if hd.Get("X-RateLimit-Limit") != "1" || hd.Get("X-RateLimit-Remaining") != "0" || len(hd["X-Ratelimit-Limit"]) != 1 {
		t.Errorf("refusal: X-RateLimit-Limit %q, X-RateLimit-Remaining %q; want the refusing policy's 1 and 0, once",
			hd["X-Ratelimit-Limit"], hd.Get("X-RateLimit-Remaining"))
	}
}
