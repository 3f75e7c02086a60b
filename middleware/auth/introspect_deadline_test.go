package auth

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// A request whose deadline the server set (chi's Timeout, say) waits for
// an introspection call no longer than that deadline: it gets
// ErrVerifierUnavailable (a 503) then. The call goes on for the requests
// that share it, and its answer is cached, as when a client hangs up.
func TestIntrospectionWaitsNoLongerThanTheRequestsDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ep := &blockingEndpoint{release: make(chan struct{})}
		v, err := NewIntrospection(IntrospectionConfig{URL: "https://as.test/introspect", ClientID: "api",
			Client: &http.Client{Transport: ep}})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() { // a request without a deadline shares the call and gets its answer
			if p, err := v.Verify(context.Background(), "new-token"); err != nil || p.Subject != "alice" {
				t.Errorf("the request without a deadline: %v, %v", p.Subject, err)
			}
		})
		synctest.Wait()

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, err = v.Verify(ctx, "new-token")
		if !errors.Is(err, ErrVerifierUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Verify past the request's deadline: %v, want ErrVerifierUnavailable and DeadlineExceeded", err)
		}
		if waited := time.Since(start); waited != time.Second {
			t.Errorf("Verify returned after %v, want the deadline's 1s", waited)
		}

		close(ep.release)
		wg.Wait()
		if _, err := v.Verify(context.Background(), "new-token"); err != nil {
			t.Errorf("the call's answer is not cached: %v", err)
		}
		if n := ep.calls.Load(); n != 1 {
			t.Errorf("%d introspection calls, want 1", n)
		}
	})
}

// The call a request with a deadline waits for runs on a goroutine of its
// own: a panic there (a Classify of the application's) still reaches the
// request, for its Recoverer, rather than end the process.
func TestAPanicInASharedIntrospectionReachesTheRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ep := &blockingEndpoint{release: make(chan struct{})}
		close(ep.release)
		v, err := NewIntrospection(IntrospectionConfig{URL: "https://as.test/introspect", ClientID: "api",
			Client: &http.Client{Transport: ep}, Classify: func(map[string]any) Kind { panic("classify") }})
		if err != nil {
			t.Fatal(err)
		}
		for _, deadline := range []bool{false, true} {
			ctx := context.Background()
			if deadline {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Minute)
				defer cancel()
			}
			func() {
				defer func() {
					if r := recover(); r != "classify" {
						t.Errorf("deadline %v: recovered %v, want the panic of Classify", deadline, r)
					}
				}()
				v.Verify(ctx, "new-token")
			}()
		}
	})
}
