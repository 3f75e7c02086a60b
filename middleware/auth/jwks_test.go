package auth

import (
	"context"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
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

// jwksStart is the fake clock's time when a JWKS test starts.
var jwksStart = time.Unix(1_700_000_000, 0)

// jwksVerifier starts a JWKS of srv on a fake clock, refreshing hourly and
// at most every minRefresh on unknown kids, and a JWT verifier using it.
// It returns once the first fetch is done and the refresher waits.
func jwksVerifier(t *testing.T, srv *jwksServer, minRefresh time.Duration) (*JWT, *JWKS, *testkit.Clock) {
	t.Helper()
	clk := testkit.NewClock(jwksStart)
	jwks, err := newJWKS(context.Background(), JWKSConfig{URL: srv.URL, MinRefreshInterval: minRefresh, RefreshInterval: time.Hour, Logger: quietLog}, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jwks.Close() })
	v, err := NewJWT(JWTConfig{Algorithms: []string{"RS256", "ES256"}, JWKS: jwks})
	if err != nil {
		t.Fatal(err)
	}
	first := jwksStart.Add(time.Hour)
	if srv.status() != http.StatusOK {
		first = jwksStart.Add(minRefresh)
	}
	nextFetchAt(t, clk, first)
	return v, jwks, clk
}

// nextFetchAt waits for the refresher's next wait and checks it ends at
// want, the time of the next fetch.
func nextFetchAt(t *testing.T, clk *testkit.Clock, want time.Time) {
	t.Helper()
	if at := clk.NextWait(t); !at.Equal(want) {
		t.Fatalf("the refresher waits until %v, want %v", at.Sub(jwksStart), want.Sub(jwksStart))
	}
}

func TestJWKSKeyRotationWhileServing(t *testing.T) {
	oldKey, newKey := testRSAKey(t, 0), testRSAKey(t, 1)
	srv := newJWKSServer(t)
	srv.serve(200, jwkOf("old", &oldKey.PublicKey))
	v, _, clk := jwksVerifier(t, srv, time.Minute)
	h := newRouter(Authenticate(Bearer(v)), nil)
	oldTok := sign(t, jwt.SigningMethodRS256, oldKey, claims(nil), map[string]any{"kid": "old"})
	newTok := sign(t, jwt.SigningMethodRS256, newKey, claims(map[string]any{"sub": "bob"}), map[string]any{"kid": "new"})
	if rec := do(h, "/me", "Bearer "+oldTok); rec.Code != 200 {
		t.Fatalf("old key before rotation: %d", rec.Code)
	}

	srv.serve(200, jwkOf("new", &newKey.PublicKey)) // the authorization server rotates
	fetches := srv.fetches.Load()
	rec := do(h, "/me", "Bearer "+newTok)
	if rec.Code != 401 || srv.fetches.Load() != fetches {
		t.Fatalf("a new kid is refused at once, without waiting for a fetch: %d, %d fetches", rec.Code, srv.fetches.Load()-fetches)
	}
	if c := checkChallenges(t, rec.Header())["bearer"]; c.params["error"] != "invalid_token" ||
		c.params["error_description"] != "The access token signing key is unknown" {
		t.Errorf("challenge %v", c.params)
	}
	nextFetchAt(t, clk, jwksStart.Add(time.Minute))
	clk.Advance(time.Minute)
	nextFetchAt(t, clk, jwksStart.Add(time.Minute+time.Hour))
	if rec := do(h, "/me", "Bearer "+newTok); rec.Code != 200 {
		t.Fatalf("the new key after the refresh: %d", rec.Code)
	}
	if rec := do(h, "/me", "Bearer "+sign(t, jwt.SigningMethodRS256, oldKey, claims(map[string]any{"jti": "x"}), map[string]any{"kid": "old"})); rec.Code != 401 {
		t.Errorf("a token of the withdrawn key: %d", rec.Code)
	}
}

func TestJWKSUnknownKidRefreshIsRateLimited(t *testing.T) {
	key := testRSAKey(t, 0)
	var tokens []string
	for i := range 50 {
		tokens = append(tokens, sign(t, jwt.SigningMethodRS256, key, claims(nil), map[string]any{"kid": "unknown-" + strconv.Itoa(i)}))
	}
	srv := newJWKSServer(t)
	srv.serve(200, jwkOf("k", &key.PublicKey))
	v, jwks, clk := jwksVerifier(t, srv, time.Minute)
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches at start, want 1", n)
	}
	clk.Advance(10 * time.Second)
	for _, tok := range tokens {
		if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrTokenUnknownKey) {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	// The 50 wakes are one fetch, a MinRefreshInterval after the last.
	nextFetchAt(t, clk, jwksStart.Add(time.Minute))
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("%d fetches before the rate limit allows one, want 1", n)
	}
	clk.Advance(50 * time.Second)
	nextFetchAt(t, clk, jwksStart.Add(time.Minute+time.Hour))
	if n := srv.fetches.Load(); n != 2 || len(jwks.kick) != 0 {
		t.Errorf("%d fetches, %d wakes pending; want 2 and none", n, len(jwks.kick))
	}

	// Past the interval, an unknown kid is fetched for at once.
	clk.Advance(2 * time.Minute)
	v.Verify(context.Background(), tokens[0])
	nextFetchAt(t, clk, jwksStart.Add(3*time.Minute+time.Hour))
	if n := srv.fetches.Load(); n != 3 {
		t.Errorf("%d fetches, want 3", n)
	}
}

func TestJWKSDownAtStart(t *testing.T) {
	key := testRSAKey(t, 0)
	srv := newJWKSServer(t)
	srv.serve(http.StatusBadGateway)
	v, jwks, clk := jwksVerifier(t, srv, 20*time.Second)
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
	clk.Advance(20 * time.Second)              // the retry while failing
	nextFetchAt(t, clk, jwksStart.Add(20*time.Second+time.Hour))
	if rec := do(h, "/me", "Bearer "+tok); rec.Code != 200 {
		t.Errorf("after the retry: %d", rec.Code)
	}
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
	v, jwks, _ := jwksVerifier(t, srv, time.Millisecond)
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
	clk := testkit.NewClock(jwksStart)
	jwks, err := newJWKS(ctx, JWKSConfig{URL: srv.URL, RefreshInterval: 20 * time.Second, Logger: quietLog}, clk)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		nextFetchAt(t, clk, jwksStart.Add(time.Duration(i)*20*time.Second))
		if n := srv.fetches.Load(); n != int64(i) {
			t.Fatalf("%d fetches after %d intervals, want %d", n, i-1, i)
		}
		clk.Advance(20 * time.Second)
	}
	nextFetchAt(t, clk, jwksStart.Add(80*time.Second))
	jwks.Close()
	jwks.Close() // idempotent
	select {
	case <-jwks.done:
	default:
		t.Error("Close returned before the goroutine ended")
	}
	if n := srv.fetches.Load(); n != 4 {
		t.Errorf("%d fetches, want 4", n)
	}

	// Cancelling the context stops it too.
	jwks2, _ := NewJWKS(ctx, JWKSConfig{URL: srv.URL, Logger: quietLog})
	cancel()
	testkit.Receive(t, jwks2.done, "the end of the goroutine when its context is cancelled")
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

// FuzzJWKSEntries holds the hand-written split of a key set's "keys" array
// to encoding/json's: for every document encoding/json decodes, it finds
// the same number of entries (kept or skipped), and it never panics.
func FuzzJWKSEntries(f *testing.F) {
	for _, s := range []string{
		`{"keys":[]}`, `{"keys":null}`, `{"keys":"x"}`, `{"keys":[ {} , {} ]}`,
		`{"keys":[{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA","alg":"HS256"}]}`,
		`{"keys":[1,"a,b",[2,[3,"]"]],{"x":"\"],["}, true, null]}`,
		`{"a":[1,2],"keys":[{"kid":"\\"},{"kid":"\u0022,"}]}`,
		`{"keys":[1],"keys":[2,3]}`,
		"{\"keys\":[\n\t{\"kid\":\"\u2028\"} ,\r\n\"x\"\n]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		var want struct {
			Keys []json.RawMessage `json:"keys"`
		}
		if json.Unmarshal(doc, &want) != nil {
			return
		}
		var got struct {
			Keys jwkList `json:"keys"`
		}
		if err := json.Unmarshal(doc, &got); err != nil {
			t.Fatalf("%q: %v, where encoding/json decodes it", doc, err)
		}
		if n := got.Keys.skipped + len(got.Keys.set.keys); n != len(want.Keys) {
			t.Fatalf("%q: %d entries, encoding/json finds %d", doc, n, len(want.Keys))
		}
	})
}
