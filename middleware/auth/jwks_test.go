package auth

import (
	"context"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestParseJWKS(t *testing.T) {
	rsaKey := testRSAKey(t, 0)
	ec := testECKey(t, elliptic.P384())
	ed := testEdKey(t)
	good := []map[string]any{
		jwkOf("rsa", &rsaKey.PublicKey),
		jwkOf("ec", &ec.PublicKey),
		jwkOf("ed", ed.Public()),
		jwkOf("oct", testSecret),
	}
	badCurvePoint := jwkOf("bad-point", &ec.PublicKey)
	badCurvePoint["y"] = badCurvePoint["x"] // not on the curve
	skipped := []map[string]any{
		{"kty": "RSA", "kid": "enc", "use": "enc", "n": good[0]["n"], "e": "AQAB"},
		{"kty": "RSA", "kid": "ops", "key_ops": []string{"encrypt"}, "n": good[0]["n"], "e": "AQAB"},
		{"kty": "RSA", "kid": "small", "n": b64([]byte{0xc5, 0x01}), "e": "AQAB"},
		{"kty": "RSA", "kid": "even-e", "n": good[0]["n"], "e": b64([]byte{2})},
		{"kty": "EC", "kid": "p224", "crv": "P-224", "x": "AA", "y": "AA"},
		badCurvePoint,
		{"kty": "OKP", "kid": "x25519", "crv": "X25519", "x": good[2]["x"]},
		{"kty": "oct", "kid": "short", "k": b64([]byte("short"))},
		{"kty": "RSA", "kid": "alg-mismatch", "alg": "ES256", "n": good[0]["n"], "e": "AQAB"},
		{"kty": "XYZ", "kid": "unknown-type"},
	}
	doc, _ := json.Marshal(map[string]any{"keys": append(append([]map[string]any{}, good...), skipped...)})
	ks, skippedErrs, err := parseJWKS(doc)
	if err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range ks.keys {
		kids = append(kids, k.kid)
	}
	if got := strings.Join(kids, ","); got != "rsa,ec,ed,oct" {
		t.Errorf("kept %s", got)
	}
	if len(skippedErrs) != len(skipped) {
		t.Errorf("skipped %d keys, want %d: %v", len(skippedErrs), len(skipped), skippedErrs)
	}
	for _, doc := range []string{`{"keys":[]}`, `nope`, `{"keys":[{"kty":"RSA","use":"enc"}]}`} {
		if _, _, err := parseJWKS([]byte(doc)); err == nil {
			t.Errorf("%s: no error", doc)
		}
	}
}

func jwksVerifier(t *testing.T, srv *jwksServer, minRefresh time.Duration) (*JWT, *JWKS) {
	t.Helper()
	jwks, err := NewJWKS(context.Background(), JWKSConfig{URL: srv.URL, MinRefreshInterval: minRefresh, RefreshInterval: time.Hour, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jwks.Close() })
	v, err := NewJWT(JWTConfig{Algorithms: []string{"RS256", "ES256"}, JWKS: jwks})
	if err != nil {
		t.Fatal(err)
	}
	return v, jwks
}

func TestJWKSKeyRotationWhileServing(t *testing.T) {
	oldKey, newKey := testRSAKey(t, 0), testRSAKey(t, 1)
	srv := newJWKSServer(t)
	srv.serve(200, jwkOf("old", &oldKey.PublicKey))
	v, jwks := jwksVerifier(t, srv, 50*time.Millisecond)
	if err := jwks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the initial fetch", func() bool { return srv.fetches.Load() >= 2 })
	h := newRouter(Authenticate(Bearer(v)), nil)
	oldTok := sign(t, jwt.SigningMethodRS256, oldKey, claims(nil), map[string]any{"kid": "old"})
	newTok := sign(t, jwt.SigningMethodRS256, newKey, claims(map[string]any{"sub": "bob"}), map[string]any{"kid": "new"})
	if rec := do(h, "/me", "Bearer "+oldTok); rec.Code != 200 {
		t.Fatalf("old key before rotation: %d", rec.Code)
	}

	srv.serve(200, jwkOf("new", &newKey.PublicKey)) // the authorization server rotates
	start := time.Now()
	rec := do(h, "/me", "Bearer "+newTok)
	if rec.Code != 401 || time.Since(start) > time.Second {
		t.Fatalf("a new kid is refused at once, without waiting for the refresh: %d after %v", rec.Code, time.Since(start))
	}
	if c := checkChallenges(t, rec.Header())["bearer"]; c.params["error"] != "invalid_token" ||
		c.params["error_description"] != "The access token signing key is unknown" {
		t.Errorf("challenge %v", c.params)
	}
	eventually(t, "the new key to be fetched", func() bool { return do(h, "/me", "Bearer "+newTok).Code == 200 })
	if rec := do(h, "/me", "Bearer "+sign(t, jwt.SigningMethodRS256, oldKey, claims(map[string]any{"jti": "x"}), map[string]any{"kid": "old"})); rec.Code != 401 {
		t.Errorf("a token of the withdrawn key: %d", rec.Code)
	}
}

func TestJWKSUnknownKidRefreshIsRateLimited(t *testing.T) {
	key := testRSAKey(t, 0)
	srv := newJWKSServer(t)
	srv.serve(200, jwkOf("k", &key.PublicKey))
	v, jwks := jwksVerifier(t, srv, 300*time.Millisecond)
	if err := jwks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the initial fetch", func() bool { return srv.fetches.Load() >= 2 })
	base := srv.fetches.Load()
	for i := range 50 {
		tok := sign(t, jwt.SigningMethodRS256, key, claims(nil), map[string]any{"kid": "unknown-" + string(rune('a'+i%26))})
		if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrTokenUnknownKey) {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := srv.fetches.Load() - base; n > 1 {
		t.Errorf("50 unknown kids caused %d fetches within the rate limit", n)
	}
}

func TestJWKSDownAtStart(t *testing.T) {
	key := testRSAKey(t, 0)
	srv := newJWKSServer(t)
	srv.serve(http.StatusBadGateway)
	v, jwks := jwksVerifier(t, srv, 20*time.Millisecond)
	if err := jwks.Refresh(context.Background()); err == nil {
		t.Fatal("Refresh of a broken endpoint succeeded")
	}
	h, logs := withLogger(newRouter(Authenticate(Bearer(v)), nil))
	tok := sign(t, jwt.SigningMethodRS256, key, claims(nil), map[string]any{"kid": "k"})

	rec := do(h, "/me", "Bearer "+tok)
	if rec.Code != 503 {
		t.Fatalf("JWKS down: %d, want 503", rec.Code)
	}
	if rec.Header().Get("WWW-Authenticate") != "" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("headers %v", rec.Header())
	}
	if b := body(t, rec); strings.Contains(rec.Body.String(), srv.URL) || b["type"] != "/problems/service-unavailable" {
		t.Errorf("body %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "502") {
		t.Errorf("the 503 is not logged with its cause: %s", logs)
	}

	srv.serve(200, jwkOf("k", &key.PublicKey)) // the endpoint comes back
	eventually(t, "the key set to load", func() bool { return do(h, "/me", "Bearer "+tok).Code == 200 })
}

func TestJWKSUnreachable(t *testing.T) {
	srv := newJWKSServer(t)
	url := srv.URL
	srv.Close()
	jwks, err := NewJWKS(context.Background(), JWKSConfig{URL: url, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer jwks.Close()
	if err := jwks.Refresh(context.Background()); err == nil {
		t.Fatal("Refresh of an unreachable set succeeded")
	}
	v, _ := NewJWT(JWTConfig{Algorithms: []string{"RS256"}, JWKS: jwks})
	_, err = v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, testRSAKey(t, 0), claims(nil), nil))
	if !errors.Is(err, ErrVerifierUnavailable) || errors.Is(err, ErrInvalidToken) {
		t.Errorf("error %v", err)
	}
}

func TestJWKSKeepsKeysWhenRefreshFails(t *testing.T) {
	key := testRSAKey(t, 0)
	srv := newJWKSServer(t)
	srv.serve(200, jwkOf("k", &key.PublicKey))
	v, jwks := jwksVerifier(t, srv, time.Millisecond)
	if err := jwks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv.serve(500)
	if err := jwks.Refresh(context.Background()); err == nil {
		t.Fatal("refresh of a broken endpoint succeeded")
	}
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, key, claims(nil), map[string]any{"kid": "k"})); err != nil {
		t.Errorf("keys lost after a failed refresh: %v", err)
	}
}

func TestJWKSPeriodicRefreshAndClose(t *testing.T) {
	srv := newJWKSServer(t)
	srv.serve(200, jwkOf("k", &testRSAKey(t, 0).PublicKey))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jwks, err := NewJWKS(ctx, JWKSConfig{URL: srv.URL, RefreshInterval: 20 * time.Millisecond, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "periodic fetches", func() bool { return srv.fetches.Load() >= 3 })
	jwks.Close()
	jwks.Close()                      // idempotent
	time.Sleep(50 * time.Millisecond) // let a request in flight at Close land
	n := srv.fetches.Load()
	time.Sleep(100 * time.Millisecond)
	if srv.fetches.Load() != n {
		t.Error("fetches continue after Close")
	}
	select {
	case <-jwks.done:
	default:
		t.Error("Close returned before the goroutine ended")
	}

	// Cancelling the context stops it too.
	jwks2, _ := NewJWKS(ctx, JWKSConfig{URL: srv.URL, Logger: quietLog})
	cancel()
	select {
	case <-jwks2.done:
	case <-time.After(2 * time.Second):
		t.Error("the goroutine outlived its context")
	}
}

func TestNewJWKSConfigErrors(t *testing.T) {
	for _, u := range []string{"", "/certs", "ftp://host/certs", "http://"} {
		if _, err := NewJWKS(context.Background(), JWKSConfig{URL: u}); err == nil {
			t.Errorf("%q: no error", u)
		}
	}
}

func TestJWKSAlgorithmConfusion(t *testing.T) {
	// Both families allowed, the set holding only an RSA key without "alg":
	// an HS256 token whose "secret" is that public key must not pass.
	key := testRSAKey(t, 0)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	srv := newJWKSServer(t)
	k := jwkOf("k", &key.PublicKey)
	delete(k, "alg")
	srv.serve(200, k)
	jwks, err := NewJWKS(context.Background(), JWKSConfig{URL: srv.URL, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	defer jwks.Close()
	if err := jwks.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	v, err := NewJWT(JWTConfig{Algorithms: []string{"RS256", "HS256"}, JWKS: jwks})
	if err != nil {
		t.Fatal(err)
	}
	for _, header := range []map[string]any{nil, {"kid": "k"}} {
		forged := sign(t, jwt.SigningMethodHS256, pubPEM, claims(nil), header)
		if _, err := v.Verify(context.Background(), forged); err == nil || !errors.Is(err, ErrInvalidToken) {
			t.Errorf("forged token with header %v: %v", header, err)
		}
		forgedDER := sign(t, jwt.SigningMethodHS256, der, claims(nil), header)
		if _, err := v.Verify(context.Background(), forgedDER); err == nil {
			t.Errorf("forged (DER) token with header %v accepted", header)
		}
	}
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodRS256, key, claims(nil), map[string]any{"kid": "k"})); err != nil {
		t.Errorf("genuine token: %v", err)
	}
}
