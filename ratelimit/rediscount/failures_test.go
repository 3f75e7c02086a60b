package rediscount

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/ratelimit"
)

// countingKeys accepts the API key "good" and refuses the others,
// counting its calls.
type countingKeys struct{ calls atomic.Int64 }

func (v *countingKeys) Verify(_ context.Context, key string) (auth.Principal, error) {
	v.calls.Add(1)
	if key == "good" {
		return auth.Principal{Subject: "app", ClientID: "app", Kind: auth.KindApp}, nil
	}
	return auth.Principal{}, auth.ErrUnknownAPIKey
}

// replica is one instance of an API: Authenticate with API keys checked by
// v, its failures counted in s through a Counter of its own.
func replica(t *testing.T, s *redistest.Server, v auth.Verifier, quota int) http.Handler {
	c, _ := client(t, s)
	f, err := ratelimit.NewFailureLimiter(ratelimit.Policy{Quota: quota, Window: time.Hour},
		ratelimit.CountIn(newCounter(t, c, Config{Timeout: patience})))
	if err != nil {
		t.Fatal(err)
	}
	return handler(auth.Authenticate(auth.APIKey(v), auth.ThrottleFailures(f)))
}

func sendKey(h http.Handler, remote, key string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = remote
	r.Header.Set("Authorization", "ApiKey "+key)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Two replicas counting in one Redis share a client's failures: guesses
// alternating between them are checked the quota's worth in all.
func TestFailureLimiterSharesFailuresAcrossReplicas(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	const quota = 6
	v := &countingKeys{}
	replicas := []http.Handler{replica(t, s, v, quota), replica(t, s, v, quota)}
	const client, other = "192.0.2.1:1000", "[2001:db8::1]:1000"

	for i := range quota {
		w := sendKey(replicas[i%2], client, fmt.Sprint("guess", i))
		want := fmt.Sprintf(`"auth-failures";r=%d;t=`, quota-1-i)
		if got := w.Header().Get("RateLimit"); w.Code != http.StatusUnauthorized || len(got) < len(want) || got[:len(want)] != want {
			t.Fatalf("guess %d on replica %d: %d RateLimit %q, want 401 and %s...", i+1, i%2, w.Code, got, want)
		}
	}
	for i, h := range replicas {
		for _, key := range []string{"guess", "good"} {
			if w := sendKey(h, client, key); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
				t.Errorf("replica %d, key %s: %d Retry-After %q, want 429 unchecked", i, key, w.Code, w.Header().Get("Retry-After"))
			}
		}
		if w := sendKey(h, other, "good"); w.Code != http.StatusOK {
			t.Errorf("replica %d, another client: %d", i, w.Code)
		}
	}
	if n := v.calls.Load(); n != quota+2 {
		t.Errorf("verifier called %d times, want %d guesses and 2 keys of another client", n, quota+2)
	}
}

// Parallel guesses on a replica counting in Redis reach the verifier
// exactly the quota's worth.
func TestFailureLimiterInRedisRunsExactlyTheQuotaOfParallelGuesses(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	const quota, guesses = 5, 60
	v := &countingKeys{}
	h := replica(t, s, v, quota)
	var refused atomic.Int64
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Go(func() {
			if sendKey(h, "192.0.2.1:1", fmt.Sprint("guess", i)).Code == http.StatusTooManyRequests {
				refused.Add(1)
			}
		})
	}
	wg.Wait()
	if v.calls.Load() != quota || refused.Load() != guesses-quota {
		t.Errorf("verifier called %d times, %d refused; want %d and %d", v.calls.Load(), refused.Load(), quota, guesses-quota)
	}
}

// A client that half-closes its connection cancels its requests' context
// yet still reads the answers; its failures must count in Redis all the
// same, not in one replica's fallback.
func TestFailureLimiterCountsInRedisWhenTheRequestIsCancelled(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	const quota = 3
	v := &countingKeys{}
	a, b := replica(t, s, v, quota), replica(t, s, v, quota)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range quota {
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
		r.RemoteAddr = "192.0.2.1:1"
		r.Header.Set("Authorization", "ApiKey guess")
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("cancelled guess %d: %d, want 401", i+1, w.Code)
		}
	}
	if w := sendKey(b, "192.0.2.1:1", "guess"); w.Code != http.StatusTooManyRequests {
		t.Errorf("the other replica: %d, want 429", w.Code)
	}
}
