package auth

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

// A key set document of 1 MiB made of junk entries (`[1,1,1,...]`) cost
// some 420 MB of allocations, 110 MB of them live at once, and as many
// "key skipped" log records as entries (half a million) on every fetch.
func TestJWKSJunkEntriesAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"keys":[`)
	for b.Len() < maxJWKSLength-16 {
		b.WriteString(`1,{},`)
	}
	b.WriteString(`1]}`)
	ks, skipped, err := parseJWKS([]byte(b.String()))
	if err == nil || ks != nil {
		t.Fatalf("a set of junk: %v", err)
	}
	if len(skipped) > maxSkippedReports+1 {
		t.Errorf("%d skipped-key reports for one document, want at most %d", len(skipped), maxSkippedReports+1)
	}

	// The same through a fetch: a handful of log records, not one per entry.
	var logs bytes.Buffer
	srv := newJWKSServer(t)
	srv.mu.Lock()
	srv.doc = []byte(b.String())
	srv.mu.Unlock()
	jwks, err := NewJWKS(context.Background(), JWKSConfig{URL: srv.URL, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	jwks.Close()
	logs.Reset()
	jwks.Refresh(context.Background())
	if n := strings.Count(logs.String(), "\n"); n > maxSkippedReports+2 {
		t.Errorf("one fetch of a junk set logged %d records", n)
	}
}

// A 1 MiB set of 8,000 valid P-256 keys without kid made every token that
// names no kid cost 8,000 ECDSA verifications (0.7 s of CPU), and an RSA
// key of any size was kept (a 97,000-bit modulus costs 200 ms a token).
func TestJWKSKeysAndCandidatesAreBounded(t *testing.T) {
	k := testECKey(t, elliptic.P256())
	jwk, _ := json.Marshal(jwkOf("", &k.PublicKey))
	var b strings.Builder
	b.WriteString(`{"keys":[`)
	n := 0
	for b.Len()+len(jwk)+3 < maxJWKSLength {
		if n > 0 {
			b.WriteByte(',')
		}
		b.Write(jwk)
		n++
	}
	b.WriteString(`]}`)
	ks, _, err := parseJWKS([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.keys) > maxJWKSKeys {
		t.Errorf("%d of %d keys kept, want at most %d", len(ks.keys), n, maxJWKSKeys)
	}
	key, err := ks.lookup("", "ES256")
	if err != nil {
		t.Fatal(err)
	}
	if set, ok := key.(jwt.VerificationKeySet); ok && len(set.Keys) > maxKeyCandidates {
		t.Errorf("a token without kid is tried against %d keys, want at most %d", len(set.Keys), maxKeyCandidates)
	}
	// The genuine key still verifies a kid-less token.
	other := testECKey(t, elliptic.P256())
	if err := verifySignature(jwt.SigningMethodES256, "x.y", mustSig(t, other, "x.y"), key); err == nil {
		t.Error("a foreign signature verified")
	}
	if err := verifySignature(jwt.SigningMethodES256, "x.y", mustSig(t, k, "x.y"), key); err != nil {
		t.Errorf("the genuine key: %v", err)
	}

	huge := new(big.Int).Lsh(big.NewInt(1), 97000)
	huge.Or(huge, big.NewInt(1))
	doc, _ := json.Marshal(map[string]any{"keys": []map[string]any{
		{"kty": "RSA", "kid": "huge", "n": b64(huge.Bytes()), "e": "AQAB"},
		jwkOf("ok", &testRSAKey(t, 0).PublicKey),
	}})
	ks, _, err = parseJWKS(doc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.lookup("huge", "RS256"); err == nil {
		t.Error("an RSA key of 97,000 bits is kept")
	}
}

func mustSig(t *testing.T, k *ecdsa.PrivateKey, signed string) []byte {
	t.Helper()
	sig, err := jwt.SigningMethodES256.Sign(signed, k)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// A JWKS URL carrying credentials (https://user:password@host/..., which
// net/http sends as Basic auth) had its password written to the log on
// every failed fetch and in the cause of every 503 while the set was
// missing; net/http itself redacts it from its errors.
func TestJWKSURLPasswordIsNotLogged(t *testing.T) {
	srv := newJWKSServer(t)
	srv.serve(http.StatusInternalServerError)
	u, _ := url.Parse(srv.URL)
	u.User = url.UserPassword("api", "s3cret-pw")
	var logs bytes.Buffer
	jwks, err := NewJWKS(context.Background(), JWKSConfig{URL: u.String(), Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	jwks.Close() // the background fetch logs too: stop it before reading logs
	jwks.Refresh(context.Background())
	v, _ := NewJWT(JWTConfig{Algorithms: []string{"RS256"}, JWKS: jwks})
	h, problemLog := withLogger(newRouter(Authenticate(Bearer(v)), nil))
	rec := do(h, "/me", "Bearer "+sign(t, jwt.SigningMethodRS256, testRSAKey(t, 0), claims(nil), nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d", rec.Code)
	}
	for name, s := range map[string]string{"JWKS log": logs.String(), "problem log": problemLog.String()} {
		if strings.Contains(s, "s3cret-pw") {
			t.Errorf("the %s holds the URL's password:\n%s", name, s)
		}
	}
}

// golang-jwt truncates NumericDates to whole seconds (jwt.TimePrecision):
// a token with "exp": T+10.9 is expired from T+10. The cache kept it until
// T+10.9, serving it after the verifier itself refuses it.
func TestCachedJWTExpiresWhenTheVerifierSaysSo(t *testing.T) {
	base := time.Unix(2_000_000_000, 0)
	now := base
	newV := func() *JWT {
		v, err := newJWT(JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret}, func() time.Time { return now })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := newV()
	tok := sign(t, jwt.SigningMethodHS256, testSecret, jwt.MapClaims{"sub": "a", "exp": float64(base.Unix()) + 10.9}, nil)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	now = base.Add(10500 * time.Millisecond)
	_, fresh := newV().Verify(context.Background(), tok)
	_, cached := v.Verify(context.Background(), tok)
	if !errors.Is(fresh, ErrTokenExpired) {
		t.Fatalf("fresh verifier: %v", fresh)
	}
	if !errors.Is(cached, ErrTokenExpired) {
		t.Errorf("the cache serves a token its verifier refuses as expired: %v", cached)
	}
}

// RFC 9068 §2.2 puts client_id in every JWT access token, user tokens
// included: a user's token is no app's, on RequireApp routes or anywhere.
func TestRFC9068UserTokenIsNotAnApp(t *testing.T) {
	for _, c := range []struct {
		claims map[string]any
		want   Kind
	}{
		{map[string]any{"sub": "alice", "client_id": "web-frontend"}, KindUser},
		{map[string]any{"sub": "svc", "client_id": "svc"}, KindApp},
		{map[string]any{"client_id": "svc"}, KindApp},
		{map[string]any{"sub": "alice", "azp": "web-frontend"}, KindUser},
		{map[string]any{"sub": "4f1c", "clientId": "kc"}, KindApp},
		{map[string]any{"sub": "4f1c", "gty": "client-credentials"}, KindApp},
		// Okta: an app's token has its client (cid) as subject; a user's
		// names the client it was issued through.
		{map[string]any{"sub": "0oa1billing", "cid": "0oa1billing"}, KindApp},
		{map[string]any{"sub": "alice@example.com", "cid": "0oa1web", "uid": "00u1"}, KindUser},
		// Microsoft Entra ID, with the idtyp optional claim.
		{map[string]any{"sub": "5f2e", "idtyp": "app", "appid": "billing"}, KindApp},
		{map[string]any{"sub": "9a1c", "idtyp": "user", "appid": "web"}, KindUser},
	} {
		if k := DefaultClassify(c.claims); k != c.want {
			t.Errorf("%v is classified %s, want %s", c.claims, k, c.want)
		}
	}
	keycloak := map[string]any{"sub": "0b6e4c1a-service-account", "client_id": "billing", "preferred_username": "service-account-billing"}
	if DefaultClassify(keycloak) != KindUser || KeycloakClassify(keycloak) != KindApp {
		t.Errorf("a Keycloak service account: %s by default, %s by KeycloakClassify", DefaultClassify(keycloak), KeycloakClassify(keycloak))
	}
	if k := KeycloakClassify(map[string]any{"sub": "alice", "azp": "web-frontend"}); k != KindUser {
		t.Errorf("a Keycloak user token is classified %s", k)
	}
	tok := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"client_id": "web-frontend"}), nil)
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil))), func(r chi.Router) {
		r.With(RequireApp).Get("/apps-only", whoami)
		r.With(RequireUser).Get("/users-only", whoami)
	})
	if rec := do(h, "/apps-only", "Bearer "+tok); rec.Code != http.StatusForbidden {
		t.Errorf("a user's RFC 9068 token on a RequireApp route: %d", rec.Code)
	}
	if rec := do(h, "/users-only", "Bearer "+tok); rec.Code != http.StatusOK {
		t.Errorf("a user's RFC 9068 token on a RequireUser route: %d", rec.Code)
	}
}
