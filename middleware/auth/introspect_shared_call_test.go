package auth

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// blockingEndpoint answers introspection calls with an active token once
// release is closed, and counts them.
type blockingEndpoint struct {
	calls   atomic.Int32
	release chan struct{}
}

func (e *blockingEndpoint) RoundTrip(r *http.Request) (*http.Response, error) {
	e.calls.Add(1)
	<-e.release
	body := `{"active": true, "sub": "alice", "scope": "cloud:read"}`
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// A burst of requests with one token the cache does not hold yet (a
// client's first calls after it got a new token) asks the authorization
// server once, not once a request.
func TestIntrospectionAsksOnceForConcurrentRequestsWithOneToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ep := &blockingEndpoint{release: make(chan struct{})}
		v, err := NewIntrospection(IntrospectionConfig{URL: "https://as.test/introspect", ClientID: "api",
			Client: &http.Client{Transport: ep}})
		if err != nil {
			t.Fatal(err)
		}
		const requests = 8
		var wg sync.WaitGroup
		subjects := make(chan string, requests)
		for range requests {
			wg.Go(func() {
				p, err := v.Verify(context.Background(), "new-token")
				if err != nil {
					t.Error(err)
				}
				subjects <- p.Subject
			})
		}
		synctest.Wait() // every request waits: on the endpoint, or on the call of another
		if n := ep.calls.Load(); n != 1 {
			t.Errorf("%d introspection calls for %d concurrent requests with one token, want 1", n, requests)
		}
		close(ep.release)
		wg.Wait()
		close(subjects)
		for s := range subjects {
			if s != "alice" {
				t.Errorf("a request got subject %q", s)
			}
		}
	})
}
