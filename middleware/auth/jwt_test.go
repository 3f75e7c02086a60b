package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestJWTVerifierRefusals(t *testing.T) {
	rsaKey := testRSAKey(t, 0)
	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	rsV, err := NewJWT(JWTConfig{Algorithms: []string{"RS256"}, Key: &rsaKey.PublicKey, Issuer: "https://issuer.test", Audience: "api", Leeway: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rs := func(extra map[string]any) string { return sign(t, jwt.SigningMethodRS256, rsaKey, claims(extra), nil) }
	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil), nil)
	valid := rs(nil)
	parts := strings.Split(valid, ".")

	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"valid", valid, nil},
		{"expired by one second beyond leeway", rs(map[string]any{"exp": now.Add(-31 * time.Second).Unix()}), ErrTokenExpired},
		{"expired within leeway", rs(map[string]any{"exp": now.Add(-20 * time.Second).Unix()}), nil},
		{"not yet valid", rs(map[string]any{"nbf": now.Add(time.Minute).Unix()}), ErrTokenNotYetValid},
		{"issued in the future", rs(map[string]any{"iat": now.Add(time.Hour).Unix()}), ErrTokenNotYetValid},
		{"issued just now, clocks a little apart", rs(map[string]any{"iat": now.Add(20 * time.Second).Unix()}), nil},
		{"alg none", none, ErrTokenAlgorithm},
		{"HS256 signed with the RSA public key as secret", sign(t, jwt.SigningMethodHS256, pubPEM, claims(nil), nil), ErrTokenAlgorithm},
		{"RS512 not in the pinned list", sign(t, jwt.SigningMethodRS512, rsaKey, claims(nil), nil), ErrTokenAlgorithm},
		{"unknown alg", craft(t, `{"alg":"XX999","typ":"JWT"}`, `{"sub":"a"}`), ErrTokenAlgorithm},
		{"missing alg", craft(t, `{"typ":"JWT"}`, `{"sub":"a"}`), ErrTokenMalformed},
		{"alg named in upper case", craft(t, `{"ALG":"RS256"}`, `{"sub":"a"}`), ErrTokenMalformed},
		{"alg not a string", craft(t, `{"alg":["RS256"]}`, `{"sub":"a"}`), ErrTokenMalformed},
		{"header over 4 KiB", craft(t, `{"alg":"RS256","x":"`+strings.Repeat("x", 3<<10)+`"}`, `{"sub":"a"}`), ErrTokenMalformed},
		{"null kid is no kid", sign(t, jwt.SigningMethodRS256, rsaKey, claims(nil), map[string]any{"kid": nil}), nil},
		{"signed by another key", sign(t, jwt.SigningMethodRS256, testRSAKey(t, 1), claims(nil), nil), ErrTokenSignature},
		{"payload altered", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"root","exp":9999999999,"iss":"https://issuer.test","aud":"api"}`)) + "." + parts[2], ErrTokenSignature},
		{"wrong issuer", rs(map[string]any{"iss": "https://evil.test"}), ErrTokenIssuer},
		{"wrong audience", rs(map[string]any{"aud": "other-api"}), ErrTokenAudience},
		{"audience in a list", rs(map[string]any{"aud": []string{"other-api", "api"}}), nil},
		{"no exp", rs(map[string]any{"exp": nil}), ErrTokenClaims},
		{"exp of wrong type", rs(map[string]any{"exp": "tomorrow"}), ErrTokenClaims},
		{"scope of wrong type", rs(map[string]any{"scope": 42}), ErrTokenClaims},
		{"no subject", rs(map[string]any{"sub": nil}), ErrTokenClaims},
		{"crit header", sign(t, jwt.SigningMethodRS256, rsaKey, claims(nil), map[string]any{"crit": []string{"exp"}}), ErrTokenMalformed},
		{"not three segments", "abc.def", ErrTokenMalformed},
		{"header not base64", "!!!." + parts[1] + "." + parts[2], ErrTokenMalformed},
		{"header not JSON", base64.RawURLEncoding.EncodeToString([]byte("nope")) + "." + parts[1] + "." + parts[2], ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := rsV.Verify(context.Background(), tt.token)
			if tt.want == nil {
				if err != nil || p.Subject == "" {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if tokenErrors[tokenErrorIndex(err)] != tt.want {
				t.Errorf("the most precise error is %v, want %v", tokenErrors[tokenErrorIndex(err)], tt.want)
			}
		})
	}
}

// craft builds an unsigned-looking token from raw JSON segments.
func craft(t *testing.T, header, payload string) string {
	t.Helper()
	e := base64.RawURLEncoding.EncodeToString
	return e([]byte(header)) + "." + e([]byte(payload)) + "." + e([]byte("sig"))
}

func TestJWTVerifierAlgorithms(t *testing.T) {
	rsaKey := testRSAKey(t, 0)
	ec256, ec384, ec521 := testECKey(t, elliptic.P256()), testECKey(t, elliptic.P384()), testECKey(t, elliptic.P521())
	ed := testEdKey(t)
	tests := []struct {
		method jwt.SigningMethod
		sign   any
		verify any
	}{
		{jwt.SigningMethodHS256, testSecret, testSecret},
		{jwt.SigningMethodHS384, testSecret, testSecret},
		{jwt.SigningMethodHS512, testSecret, testSecret},
		{jwt.SigningMethodRS256, rsaKey, &rsaKey.PublicKey},
		{jwt.SigningMethodRS384, rsaKey, &rsaKey.PublicKey},
		{jwt.SigningMethodRS512, rsaKey, &rsaKey.PublicKey},
		{jwt.SigningMethodPS256, rsaKey, &rsaKey.PublicKey},
		{jwt.SigningMethodPS384, rsaKey, &rsaKey.PublicKey},
		{jwt.SigningMethodPS512, rsaKey, &rsaKey.PublicKey},
		{jwt.SigningMethodES256, ec256, &ec256.PublicKey},
		{jwt.SigningMethodES384, ec384, &ec384.PublicKey},
		{jwt.SigningMethodES512, ec521, &ec521.PublicKey},
		{jwt.SigningMethodEdDSA, ed, ed.Public()},
	}
	for _, tt := range tests {
		t.Run(tt.method.Alg(), func(t *testing.T) {
			v, err := NewJWT(JWTConfig{Algorithms: []string{tt.method.Alg()}, Key: tt.verify})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify(context.Background(), sign(t, tt.method, tt.sign, claims(nil), nil)); err != nil {
				t.Errorf("Verify: %v", err)
			}
			// A key of the right family on another curve or of another family
			// never verifies.
			other := sign(t, jwt.SigningMethodES256, testECKey(t, elliptic.P256()), claims(nil), nil)
			if tt.method != jwt.SigningMethodES256 {
				if _, err := v.Verify(context.Background(), other); !errors.Is(err, ErrTokenAlgorithm) {
					t.Errorf("ES256 token: %v", err)
				}
			}
		})
	}
}

func TestJWTVerifierKeysByKid(t *testing.T) {
	a, b := testRSAKey(t, 0), testRSAKey(t, 1)
	v, err := NewJWT(JWTConfig{Algorithms: []string{"RS256", "HS256"}, Keys: map[string]any{
		"a": &a.PublicKey, "b": &b.PublicKey, "h": testSecret,
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"kid a", sign(t, jwt.SigningMethodRS256, a, claims(nil), map[string]any{"kid": "a"}), nil},
		{"kid b", sign(t, jwt.SigningMethodRS256, b, claims(nil), map[string]any{"kid": "b"}), nil},
		{"no kid tries every fitting key", sign(t, jwt.SigningMethodRS256, b, claims(nil), nil), nil},
		{"kid of another key", sign(t, jwt.SigningMethodRS256, b, claims(nil), map[string]any{"kid": "a"}), ErrTokenSignature},
		{"unknown kid", sign(t, jwt.SigningMethodRS256, a, claims(nil), map[string]any{"kid": "zz"}), ErrTokenUnknownKey},
		{"kid not a string", sign(t, jwt.SigningMethodRS256, a, claims(nil), map[string]any{"kid": 7}), ErrTokenMalformed},
		{"HS256 naming an RSA key's kid", sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), map[string]any{"kid": "a"}), ErrTokenAlgorithm},
		{"HS256 with its secret's kid", sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), map[string]any{"kid": "h"}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), tt.token)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

func TestJWTVerifierPrincipal(t *testing.T) {
	v := hsVerifier(t, nil)
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	tests := []struct {
		name     string
		claims   map[string]any
		kind     Kind
		subject  string
		clientID string
		scopes   []string
	}{
		{"user", map[string]any{"exp": exp.Unix()}, KindUser, "alice", "", []string{"cloud:read", "cloud:write"}},
		{"user with azp stays a user", map[string]any{"azp": "web"}, KindUser, "alice", "web", []string{"cloud:read", "cloud:write"}},
		{"app by client_id", map[string]any{"sub": "svc", "client_id": "svc"}, KindApp, "svc", "svc", []string{"cloud:read", "cloud:write"}},
		{"app by clientId, without sub", map[string]any{"sub": nil, "clientId": "kc"}, KindApp, "kc", "kc", []string{"cloud:read", "cloud:write"}},
		{"app by Auth0 gty", map[string]any{"sub": "x@clients", "gty": "client-credentials", "azp": "x"}, KindApp, "x@clients", "x", []string{"cloud:read", "cloud:write"}},
		{"scp array", map[string]any{"scope": nil, "scp": []string{"a", "b"}}, KindUser, "alice", "", []string{"a", "b"}},
		{"scp string", map[string]any{"scope": nil, "scp": "a b"}, KindUser, "alice", "", []string{"a", "b"}},
		{"no scopes", map[string]any{"scope": nil}, KindUser, "alice", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(tt.claims), nil))
			if err != nil {
				t.Fatal(err)
			}
			var c struct{ Iss string }
			if p.Kind != tt.kind || p.Subject != tt.subject || p.ClientID != tt.clientID ||
				p.Scope != strings.Join(tt.scopes, " ") || !slices.Equal(p.Scopes(), tt.scopes) || p.Scheme != "Bearer" ||
				p.Claims(&c) != nil || c.Iss != "https://issuer.test" {
				t.Errorf("principal %+v", p)
			}
			if _, ok := tt.claims["exp"]; ok && !p.Expiry.Equal(exp) {
				t.Errorf("expiry %v, want %v", p.Expiry, exp)
			}
		})
	}
}

func TestJWTVerifierClassify(t *testing.T) {
	// An RFC 9068 server puts client_id in user tokens too: app tokens are
	// those whose subject is the client.
	v := hsVerifier(t, func(c *JWTConfig) {
		c.Classify = func(claims map[string]any) Kind {
			if claims["sub"] == claims["client_id"] {
				return KindApp
			}
			return KindUser
		}
	})
	p, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"client_id": "web"}), nil))
	if err != nil || p.Kind != KindUser || p.Key() != "user:alice" {
		t.Errorf("%+v, %v", p, err)
	}
}

func TestJWTVerifierExpiryOptional(t *testing.T) {
	v := hsVerifier(t, func(c *JWTConfig) { c.ExpiryOptional = true })
	p, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"exp": nil}), nil))
	if err != nil || !p.Expiry.IsZero() {
		t.Errorf("%+v, %v", p, err)
	}
}

// An "exp" of 0 is 1970-01-01, long past: golang-jwt reads it as no expiry,
// which with ExpiryOptional made a token that never expires.
func TestJWTVerifierExpiryZeroIsExpired(t *testing.T) {
	for _, optional := range []bool{false, true} {
		v := hsVerifier(t, func(c *JWTConfig) { c.ExpiryOptional = optional })
		_, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"exp": 0}), nil))
		if !errors.Is(err, ErrTokenExpired) {
			t.Errorf("ExpiryOptional %v: %v, want ErrTokenExpired", optional, err)
		}
	}
}

func TestJWTVerifierCache(t *testing.T) {
	clock := time.Now()
	v, err := newJWT(JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret, Leeway: 5 * time.Second}, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	tok := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"exp": clock.Add(time.Minute).Unix()}), nil)
	p1, err1 := v.verifyShared(context.Background(), tok)
	p2, err2 := v.verifyShared(context.Background(), tok)
	if err1 != nil || err2 != nil || p1 != p2 {
		t.Fatalf("the second verification is not served from the cache: %p %p %v %v", p1, p2, err1, err2)
	}
	if v.cache.len() != 1 {
		t.Errorf("cache holds %d entries", v.cache.len())
	}
	clock = clock.Add(time.Minute + 4*time.Second) // within leeway
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Errorf("within leeway: %v", err)
	}
	clock = clock.Add(2 * time.Second) // one second beyond leeway
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("a cached token outlived its expiry: %v", err)
	}
	bad := alterSignature(tok)
	for range 2 {
		if _, err := v.Verify(context.Background(), bad); !errors.Is(err, ErrTokenSignature) {
			t.Errorf("altered token: %v", err)
		}
	}
}

func TestNewJWTConfigErrors(t *testing.T) {
	rsaKey := testRSAKey(t, 0)
	tests := []struct {
		name string
		cfg  JWTConfig
	}{
		{"no algorithms", JWTConfig{Key: testSecret}},
		{"none algorithm", JWTConfig{Algorithms: []string{"none"}, Key: testSecret}},
		{"unknown algorithm", JWTConfig{Algorithms: []string{"HS1"}, Key: testSecret}},
		{"no key", JWTConfig{Algorithms: []string{"HS256"}}},
		{"two key sources", JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret, Keys: map[string]any{"a": testSecret}}},
		{"short secret", JWTConfig{Algorithms: []string{"HS256"}, Key: []byte("short")}},
		{"empty secret even when short ones are allowed", JWTConfig{Algorithms: []string{"HS256"}, Key: []byte{}, AllowShortHMACKey: true}},
		{"string secret", JWTConfig{Algorithms: []string{"HS256"}, Key: string(testSecret)}},
		{"private key", JWTConfig{Algorithms: []string{"RS256"}, Key: rsaKey}},
		{"RSA key for HS256", JWTConfig{Algorithms: []string{"HS256"}, Key: &rsaKey.PublicKey}},
		{"algorithm without a key", JWTConfig{Algorithms: []string{"RS256", "ES256"}, Key: &rsaKey.PublicKey}},
		{"nil RSA key", JWTConfig{Algorithms: []string{"RS256"}, Key: (*rsa.PublicKey)(nil)}},
		{"nil ECDSA key among others", JWTConfig{Algorithms: []string{"RS256"}, Keys: map[string]any{"a": &rsaKey.PublicKey, "b": (*ecdsa.PublicKey)(nil)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewJWT(tt.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestAllowShortHMACKeyVerifiesTokens(t *testing.T) {
	secret := []byte("chiguard-demo-secret")
	v, err := NewJWT(JWTConfig{Algorithms: []string{"HS256"}, Key: secret, AllowShortHMACKey: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, secret, claims(nil), nil))
	if err != nil || p.Subject == "" {
		t.Fatalf("Verify = %+v, %v", p, err)
	}
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)); err == nil {
		t.Fatal("a token signed with another secret was accepted")
	}
}

// FuzzJWTVerifier: arbitrary tokens never panic and always yield a
// credential error (or, for the seed's valid token, a principal).
func FuzzJWTVerifier(f *testing.F) {
	valid := sign(f, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	parts := strings.Split(valid, ".")
	e := base64.RawURLEncoding.EncodeToString
	for _, s := range []string{valid, valid + "A", "", ".", "..", "a.b.c", parts[0] + ".." + parts[2],
		e([]byte(`{"alg":"none"}`)) + "." + parts[1] + ".",
		e([]byte(`{"alg":"HS256","kid":{}}`)) + "." + parts[1] + "." + parts[2],
		e([]byte(`{"alg":"HS256","crit":["x"]}`)) + "." + parts[1] + "." + parts[2],
		parts[0] + "." + e([]byte(`{"exp":1e400}`)) + "." + parts[2],
		parts[0] + "." + e([]byte(`{"exp":[],"scope":{}}`)) + "." + parts[2]} {
		f.Add(s)
	}
	v := hsVerifier(f, func(c *JWTConfig) { c.CacheBytes = -1 })
	f.Fuzz(func(t *testing.T, token string) {
		p, err := v.Verify(context.Background(), token)
		if err == nil {
			if p.Subject == "" || p.Scope != "" && !validScopeList(p.Scope) {
				t.Fatalf("principal %+v for %q", p, token)
			}
			return
		}
		if tokenErrorIndex(err) < 0 {
			t.Fatalf("%q: %v is not a credential error", token, err)
		}
	})
}

// rawToken signs payload, a claims JSON text, with HS256 and testSecret.
func rawToken(t testing.TB, payload string) string {
	t.Helper()
	e := base64.RawURLEncoding.EncodeToString
	s := e([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + e([]byte(payload))
	sig, err := jwt.SigningMethodHS256.Sign(s, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s + "." + e(sig)
}

// shapedClaims returns valid claims as JSON text of exactly size bytes,
// padded by a "pad" string. With depth 1 they are flat; with depth 2 they
// hold a "groups" array of short strings (which is what makes real tokens
// large); deeper, objects nest so that the claims are depth levels deep,
// the outer object being the first. id makes the claims distinct.
func shapedClaims(t testing.TB, depth, size int, id string) string {
	t.Helper()
	now := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, `{"sub":"alice","iss":"https://issuer.test","aud":"api","iat":%d,"exp":%d,"scope":"cloud:read","jti":%q`,
		now.Unix(), now.Add(time.Hour).Unix(), id)
	switch {
	case depth == 2:
		b.WriteString(`,"groups":[`)
		for i := 0; b.Len() < size*3/4; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"group-%04d"`, i)
		}
		b.WriteByte(']')
	case depth > 2:
		b.WriteString(`,"x":`)
		b.WriteString(strings.Repeat(`{"":`, depth-2))
		b.WriteString("{}")
		b.WriteString(strings.Repeat("}", depth-2))
	}
	b.WriteString(`,"pad":"`)
	if n := size - b.Len() - 2; n > 0 {
		b.WriteString(strings.Repeat("a", n))
	}
	b.WriteString(`"}`)
	if b.Len() != size {
		t.Fatalf("claims of %d bytes, want %d", b.Len(), size)
	}
	return b.String()
}

// hostileClaimsSize makes tokens of just under MaxCredentialLength.
const hostileClaimsSize = (MaxCredentialLength-81)*3/4 - 2

// BenchmarkJWTClaimShape compares benign tokens (flat claims, a list of
// groups) with one whose claims nest 2,000 objects deep, all of 16 KiB:
// with a bad signature the hostile shape must cost no more than the benign
// ones (claims are decoded only once the signature holds); with a good one,
// its depth is refused before decoding.
func BenchmarkJWTClaimShape(b *testing.B) {
	v := hsVerifier(b, func(c *JWTConfig) { c.CacheBytes = -1 })
	for _, sig := range []string{"good", "bad"} {
		for _, shape := range []struct {
			name  string
			depth int
		}{{"flat", 1}, {"groups", 2}, {"nested", 2000}} {
			token := rawToken(b, shapedClaims(b, shape.depth, hostileClaimsSize, "1"))
			if len(token) > MaxCredentialLength || len(token) < MaxCredentialLength-8 {
				b.Fatalf("token of %d bytes", len(token))
			}
			if sig == "bad" {
				token = token[:len(token)-4] + "AAAA"
			}
			b.Run("sig="+sig+"/shape="+shape.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(token)))
				for b.Loop() {
					v.Verify(context.Background(), token)
				}
			})
		}
	}
}

// Until its signature holds, nothing of a token's claims is decoded: a
// bad signature over claims that are not even JSON is a signature error,
// and a 16 KiB tree of nested objects costs no more than flat claims.
func TestJWTClaimsDecodedOnlyAfterSignature(t *testing.T) {
	v := hsVerifier(t, func(c *JWTConfig) { c.CacheBytes = -1 })
	e := base64.RawURLEncoding.EncodeToString
	header := e([]byte(`{"alg":"HS256","typ":"JWT"}`))
	for _, payload := range []string{"!!!", e([]byte("not JSON")), e([]byte(`[1,2]`))} {
		if _, err := v.Verify(context.Background(), header+"."+payload+"."+e([]byte("bad signature"))); !errors.Is(err, ErrTokenSignature) {
			t.Errorf("payload %q: %v, want ErrTokenSignature", payload, err)
		}
	}
	badSig := func(depth int) string {
		tok := rawToken(t, shapedClaims(t, depth, hostileClaimsSize, "1"))
		return tok[:len(tok)-4] + "AAAA"
	}
	if raceEnabled {
		return // the race detector drops sync.Pool items at random (fmt's printers): allocations vary by one or two
	}
	allocs := func(token string) float64 {
		return testing.AllocsPerRun(10, func() {
			if _, err := v.Verify(context.Background(), token); !errors.Is(err, ErrTokenSignature) {
				t.Fatal(err)
			}
		})
	}
	flat, nested := allocs(badSig(1)), allocs(badSig(2000))
	if nested > flat {
		t.Errorf("a bad signature costs %v allocations on nested claims, %v on flat ones", nested, flat)
	}
}

// NumericDates that are not finite or lie outside years 0 to 9999 make a
// token malformed, instead of overflowing into dates that pass.
func TestJWTNumericDateRange(t *testing.T) {
	v := hsVerifier(t, nil)
	const year0, year9999 = -62167219200, 253402300799
	tests := []struct {
		name   string
		claims map[string]any
		want   error
	}{
		{"nbf 1e19", map[string]any{"nbf": 1e19}, ErrTokenMalformed},
		{"nbf 2^63", map[string]any{"nbf": math.Ldexp(1, 63)}, ErrTokenMalformed},
		{"nbf 1e300", map[string]any{"nbf": 1e300}, ErrTokenMalformed},
		{"nbf -1e19", map[string]any{"nbf": -1e19}, ErrTokenMalformed},
		{"nbf before year 0", map[string]any{"nbf": year0 - 1}, ErrTokenMalformed},
		{"nbf in year 9999", map[string]any{"nbf": year9999}, ErrTokenNotYetValid},
		{"nbf after year 9999", map[string]any{"nbf": year9999 + 1}, ErrTokenMalformed},
		{"exp 1e19", map[string]any{"exp": 1e19}, ErrTokenMalformed},
		{"exp 2^63", map[string]any{"exp": math.Ldexp(1, 63)}, ErrTokenMalformed},
		{"exp -1e300", map[string]any{"exp": -1e300}, ErrTokenMalformed},
		{"exp in year 9999", map[string]any{"exp": year9999}, nil},
		{"iat 1e300", map[string]any{"iat": 1e300}, ErrTokenMalformed},
		{"iat -1e19", map[string]any{"iat": -1e19}, ErrTokenMalformed},
		{"iat in year 0", map[string]any{"iat": year0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(tt.claims), nil))
			if tt.want == nil && err != nil || tt.want != nil && (!errors.Is(err, tt.want) || tokenErrors[tokenErrorIndex(err)] != tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
	for _, exp := range []string{"1e400", "-1e400"} {
		tok := rawToken(t, `{"sub":"alice","iss":"https://issuer.test","aud":"api","exp":`+exp+`}`)
		if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrTokenMalformed) {
			t.Errorf("exp %s: %v", exp, err)
		}
	}
}

// alterSignature changes one character in the middle of tok's signature,
// where every bit counts: the last character's unused bits would not
// change the signature with a lenient decoder.
func alterSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 5
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// A signature spelled with the unused bits of its last character set is
// another text for the same bytes: it is refused, so that a token refused
// by its exact text (a deny list) cannot pass in another spelling.
func TestJWTSignatureMustBeCanonical(t *testing.T) {
	v := hsVerifier(t, nil)
	tok := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	// An HS256 signature is 32 bytes, 43 characters: the last one carries 4
	// bits, and 2 unused ones.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	for pad := 1; pad < 4; pad++ {
		other := tok[:len(tok)-1] + string(alphabet[last&^3|pad])
		if _, err := v.Verify(context.Background(), other); !errors.Is(err, ErrTokenMalformed) {
			t.Errorf("the signature spelled %q: %v", other[len(other)-1:], err)
		}
	}
	// encoding/base64 skips CR and LF even in strict mode: inside or after
	// the signature they would make more texts of the token.
	i := len(tok) - 5
	for _, other := range []string{tok[:i] + "\n" + tok[i:], tok[:i] + "\r\n" + tok[i:], tok + "\n", tok + "\r"} {
		if _, err := v.Verify(context.Background(), other); !errors.Is(err, ErrTokenMalformed) {
			t.Errorf("the signature spelled %q: %v", other[i:], err)
		}
	}
}

// A short HMAC secret's error says how long it is and what accepts it.
func TestNewJWTShortSecretSaysTheWayOut(t *testing.T) {
	_, err := NewJWT(JWTConfig{Algorithms: []string{"HS256"}, Key: []byte("short")})
	want := "auth: an HMAC secret needs at least 32 bytes, this one has 5 (JWTConfig.AllowShortHMACKey accepts it, for demos and tests only)"
	if err == nil || err.Error() != want {
		t.Errorf("NewJWT = %v, want %q", err, want)
	}
}
