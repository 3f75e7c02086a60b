package rediscount

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/ratelimit"
)

// A client that half-closes its connection cancels its requests' context
// yet still reads the answers. Its requests must count in Redis all the
// same: counted in one replica's fallback, they would escape the limit
// the replicas share.
func TestLimiterCountsInRedisWhenTheRequestIsCancelled(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	const quota = 2
	p := ratelimit.Policy{Name: "shared", Quota: quota, Window: time.Hour}
	var replicas [2]http.Handler
	for i := range replicas {
		c, _ := client(t, s)
		replicas[i] = handler(limit(t, p, ratelimit.CountIn(newCounter(t, c, Config{Timeout: patience}))))
	}
	inWindow(t, time.Hour, 0, time.Hour-30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range quota {
		r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
		w := httptest.NewRecorder()
		replicas[0].ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("cancelled request %d: %d, want 200", i+1, w.Code)
		}
	}
	if w := get(replicas[1]); w.Code != http.StatusTooManyRequests {
		t.Errorf("the other replica after the quota: %d, want 429", w.Code)
	}
}
