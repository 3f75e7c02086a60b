package contract_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/ratelimit"
)

// Two limiters on a route with policies of one name, such as the default
// "5-per-1m" of a per-client and a per-route limit, send two RateLimit
// members and a 429 whose violated-policies a client cannot tell apart.
func TestCheckFindsTwoPoliciesOfOneNameOnARoute(t *testing.T) {
	pw := writer()
	r := newRoot(pw)
	r.Group(func(r chi.Router) {
		r.Use(ratelimit.Limit(5, time.Minute))
		r.With(ratelimit.Limit(5, time.Minute, ratelimit.KeyBy(ratelimit.ByRoute))).Get("/same", ok)
		r.With(ratelimit.Limit(10, time.Minute, ratelimit.KeyBy(ratelimit.ByRoute))).Get("/apart", ok)
	})
	err := contract.Check(r)
	if err == nil || !strings.Contains(err.Error(), `"5-per-1m"`) || !strings.Contains(err.Error(), "GET /same") {
		t.Fatalf("Check: %v, want the two policies named \"5-per-1m\" on GET /same", err)
	}
	if strings.Contains(err.Error(), "GET /apart") {
		t.Errorf("Check: %v, want nothing about GET /apart", err)
	}
}

// A failure throttle's fields go out with those of the limiters before
// Authenticate only: a limiter after it may reuse the name.
func TestCheckLetsAThrottleAndALaterLimiterShareAName(t *testing.T) {
	pw := writer()
	r := newRoot(pw)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(apiKeys(t)), ratelimit.LimitFailures(5, time.Minute)))
		r.With(ratelimit.Limit(5, time.Minute, ratelimit.KeyBy(ratelimit.ByIP))).Get("/after", ok)
	})
	if err := contract.Check(r); err != nil {
		t.Errorf("Check: %v", err)
	}
	f, err := ratelimit.NewFailureLimiter(ratelimit.Policy{Name: "5-per-1m", Quota: 5, Window: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	r = newRoot(pw)
	r.Group(func(r chi.Router) {
		r.Use(ratelimit.Limit(5, time.Minute, ratelimit.KeyBy(ratelimit.ByIP)), auth.Authenticate(auth.APIKey(apiKeys(t)), auth.ThrottleFailures(f)))
		r.Get("/before", ok)
	})
	if err := contract.Check(r); err == nil || !strings.Contains(err.Error(), `"5-per-1m"`) {
		t.Errorf("Check: %v, want the limiter and the throttle before it named alike", err)
	}
}
