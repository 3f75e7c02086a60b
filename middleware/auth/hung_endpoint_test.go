package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// hungServer accepts requests and never answers them, until the test ends.
func hungServer(t *testing.T) *httptest.Server {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	return srv
}

// within fails t if call has not returned after a long while: a call that
// hangs fails the test instead of stalling the run.
func within(t *testing.T, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the call still waits on the hung endpoint")
		return nil
	}
}

// A Client given without a Timeout (http.Client{} is one) must not let a
// hung introspection endpoint hold each request, which no client hang-up
// ends, for ever.
func TestIntrospectionBoundsACallOfAClientWithoutTimeout(t *testing.T) {
	srv := hungServer(t)
	v, err := NewIntrospection(IntrospectionConfig{URL: srv.URL, ClientID: "api", Client: &http.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	v.callTimeout = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client hung up: the call goes on, bounded
	err = within(t, func() error { _, err := v.Verify(ctx, "tok"); return err })
	if !errors.Is(err, ErrVerifierUnavailable) {
		t.Errorf("Verify: %v, want ErrVerifierUnavailable", err)
	}
}

// The same for the JWKS: a hung fetch would hold fetchMu, and with it
// every refresh, for ever.
func TestJWKSBoundsAFetchOfAClientWithoutTimeout(t *testing.T) {
	srv := hungServer(t)
	jwks, err := NewJWKS(context.Background(), JWKSConfig{URL: srv.URL, Client: &http.Client{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	jwks.Close() // the background fetch ends with Close; Refresh's is the one under test
	jwks.timeout = 50 * time.Millisecond
	if err := within(t, func() error { return jwks.Refresh(context.Background()) }); err == nil {
		t.Error("Refresh of a hung endpoint succeeded")
	}
}
