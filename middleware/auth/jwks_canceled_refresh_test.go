package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A Refresh whose caller gave up says nothing of the endpoint: while no
// keys are loaded, the 503's cause stays the endpoint's own failure, not
// "context canceled".
func TestJWKSRefreshCanceledKeepsTheEndpointsFailure(t *testing.T) {
	srv := newJWKSServer(t)
	srv.serve(http.StatusBadGateway)
	v, jwks, _ := jwksVerifier(t, srv, 20*time.Second)
	if err := jwks.Refresh(context.Background()); err == nil {
		t.Fatal("Refresh of a broken endpoint succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := jwks.Refresh(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Refresh with a canceled context: %v", err)
	}
	_, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, testRSAKey(t, 0), claims(nil), map[string]any{"kid": "k"}))
	if !errors.Is(err, ErrVerifierUnavailable) || !strings.Contains(err.Error(), "502") || errors.Is(err, context.Canceled) {
		t.Errorf("Verify with no keys loaded: %v, want the endpoint's 502 as the cause", err)
	}
}

// A Refresh whose deadline passed before the endpoint answered does say
// something of it (it was that slow): that is the 503's cause from then
// on.
func TestJWKSRefreshPastItsDeadlineIsTheEndpointsFailure(t *testing.T) {
	srv := newJWKSServer(t)
	srv.serve(http.StatusBadGateway)
	v, jwks, _ := jwksVerifier(t, srv, 20*time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), time.Now()) // past before the request goes out
	defer cancel()
	if err := jwks.Refresh(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Refresh past its deadline: %v", err)
	}
	_, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, testRSAKey(t, 0), claims(nil), map[string]any{"kid": "k"}))
	if !errors.Is(err, ErrVerifierUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify with no keys loaded: %v, want the deadline as the cause", err)
	}
}
