package auth

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"

	"net/http"
)

// While MaxCalls calls wait for a slow endpoint, a further token the cache
// lacks gets ErrVerifierUnavailable at once, without a call; a token in
// flight or cached is still served, and the slots come back with the
// answers.
func TestIntrospectionBoundsTheCallsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ep := &blockingEndpoint{release: make(chan struct{})}
		v, err := NewIntrospection(IntrospectionConfig{URL: "https://as.test/introspect", ClientID: "api",
			Client: &http.Client{Transport: ep}, MaxCalls: 2})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				if _, err := v.Verify(context.Background(), "slow-"+strconv.Itoa(i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Go(func() { // shares the call of slow-0: no slot of its own
			if _, err := v.Verify(context.Background(), "slow-0"); err != nil {
				t.Error(err)
			}
		})
		synctest.Wait()
		if _, err := v.Verify(context.Background(), "third"); !errors.Is(err, ErrVerifierUnavailable) {
			t.Errorf("a third token with two calls in flight: %v, want ErrVerifierUnavailable", err)
		}
		if n := ep.calls.Load(); n != 2 {
			t.Errorf("%d calls made, want 2", n)
		}
		close(ep.release)
		wg.Wait()
		if _, err := v.Verify(context.Background(), "third"); err != nil {
			t.Errorf("once the calls ended: %v", err)
		}
		if n := ep.calls.Load(); n != 3 {
			t.Errorf("%d calls made, want 3: the refused token was cached", n)
		}
	})
}

// NewIntrospection bounds the calls by DefaultMaxCalls unless told.
func TestIntrospectionMaxCallsDefault(t *testing.T) {
	for maxCalls, want := range map[int]int{0: DefaultMaxCalls, 5: 5, -1: 0} {
		v, err := NewIntrospection(IntrospectionConfig{URL: "https://as.test/introspect", ClientID: "api", MaxCalls: maxCalls})
		if err != nil {
			t.Fatal(err)
		}
		if got := cap(v.slots); got != want || (maxCalls < 0) != (v.slots == nil) {
			t.Errorf("MaxCalls %d: %d slots, want %d", maxCalls, got, want)
		}
	}
}
