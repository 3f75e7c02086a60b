package contract_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/ratelimit"
)

// A failure throttle with LegacyHeaders sends X-RateLimit-* on the 401 of
// a failed check and on its 429, so the contract lists them there, as it
// does for a Limiter's.
func TestThrottleLegacyHeadersAreInTheContract(t *testing.T) {
	pw := writer()
	r := newRoot(pw)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(apiKeys(t)), ratelimit.LimitFailures(1, time.Minute, ratelimit.LegacyHeaders())))
		r.Get("/x", ok)
	})
	legacy := []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}

	sent := map[int]http.Header{}
	for range 2 {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Authorization", "ApiKey wrong")
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		sent[w.Code] = w.Header()
	}
	get := route(t, contract.Of(r), "GET", "/x")
	for _, status := range []int{http.StatusUnauthorized, http.StatusTooManyRequests} {
		h, ok := sent[status]
		if !ok {
			t.Fatalf("no %d among the answers %v", status, sent)
		}
		i := slices.IndexFunc(get.Responses, func(a contract.Response) bool { return a.Status == status })
		if i < 0 {
			t.Fatalf("no %d in the contract: %+v", status, get.Responses)
		}
		for _, name := range legacy {
			if h.Get(name) == "" {
				t.Errorf("%d: %s not sent", status, name)
			}
			if !slices.Contains(get.Responses[i].Headers, name) {
				t.Errorf("%d sends %s, which the contract lacks: %v", status, name, get.Responses[i].Headers)
			}
		}
	}
}
