package ratelimit

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Name names Limit's policy: the RateLimit fields and the counts go by it,
// so two limits of one size stacked on a route stay apart; an empty name
// leaves the default.
func TestNameNamesTheLimitsPolicy(t *testing.T) {
	lc, _ := fakeCounter(t0)
	search := Limit(2, time.Minute, Name("search"), CountIn(lc))
	export := Limit(2, time.Minute, Name("export"), CountIn(lc))
	h := router(func(next http.Handler) http.Handler { return search(export(next)) })
	w := do(h, "/other", "192.0.2.1:1")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	policy := strings.Join(w.Header().Values("RateLimit-Policy"), ", ")
	if !strings.Contains(policy, `"search";q=2;w=60`) || !strings.Contains(policy, `"export";q=2;w=60`) {
		t.Errorf("RateLimit-Policy %q", policy)
	}
	if f := fields(t, w); f["search"][0] != 1 || f["export"][0] != 1 {
		t.Errorf("RateLimit %v", f)
	}

	unnamed := router(Limit(2, time.Minute, Name(""), CountIn(lc)))
	if p := do(unnamed, "/other", "192.0.2.1:1").Header().Get("RateLimit-Policy"); !strings.HasPrefix(p, `"2-per-1m";`) {
		t.Errorf("Name(\"\"): RateLimit-Policy %q", p)
	}
	fl, err := NewFailureLimiter(Policy{Quota: 3, Window: time.Minute}, Name(""))
	if err != nil || fl.l.policies[0].Name != failurePolicy {
		t.Errorf("Name(\"\") on a failure limiter: %v", err)
	}
}
