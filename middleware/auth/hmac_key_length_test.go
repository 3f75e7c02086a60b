package auth

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// An HMAC secret is at least as long as its algorithm's hash (RFC 7518
// §3.2): 32 bytes for HS256, 48 for HS384, 64 for HS512. Key may be used
// with every configured algorithm, so NewJWT holds it to the longest; a
// secret of Keys serves its kid's tokens of the algorithms it is long
// enough for, so NewJWT holds it to the shortest, as long as each
// algorithm has a key. AllowShortHMACKey still takes a short one.
func TestHMACSecretsAreAsLongAsTheirHash(t *testing.T) {
	s48 := []byte(strings.Repeat("k", 48))
	for _, tt := range []struct {
		algs []string
		key  []byte
		want string // "" for no error, else in the error
		// wantAmong is want for the key next to testSecret in Keys.
		wantAmong string
	}{
		{[]string{"HS256"}, s48[:32], "", ""},
		{[]string{"HS384"}, s48, "", ""},
		{[]string{"HS384"}, s48[:47], "HS384 needs an HMAC secret of at least 48 bytes", `key "b" has 47`},
		{[]string{"HS256", "HS512"}, s48, "HS512 needs an HMAC secret of at least 64 bytes", ""},
		{[]string{"HS512"}, s48, "HS512 needs an HMAC secret of at least 64 bytes", `key "b" has 48`},
		{[]string{"HS512"}, testSecret, "", ""},
	} {
		_, err := NewJWT(JWTConfig{Algorithms: tt.algs, Key: tt.key})
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%v with %d bytes: %v, want %q", tt.algs, len(tt.key), err, tt.want)
		}
		_, err = NewJWT(JWTConfig{Algorithms: tt.algs, Keys: map[string]any{"a": testSecret, "b": tt.key}})
		if tt.wantAmong == "" && err != nil || tt.wantAmong != "" && (err == nil || !strings.Contains(err.Error(), tt.wantAmong)) {
			t.Errorf("%v with %d bytes among keys: %v, want %q", tt.algs, len(tt.key), err, tt.wantAmong)
		}
	}
	v, err := NewJWT(JWTConfig{Algorithms: []string{"HS512"}, Key: s48, AllowShortHMACKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), sign(t, jwt.SigningMethodHS512, s48, claims(nil), nil)); err != nil {
		t.Errorf("AllowShortHMACKey: %v", err)
	}
}

// A fetched oct key verifies only algorithms whose hash it is as long as:
// one that names a longer one is skipped, and one that names none does not
// verify a token of a longer one.
func TestJWKSOctKeysAreAsLongAsTheirHash(t *testing.T) {
	s32 := testSecret[:32]
	doc, _ := json.Marshal(map[string]any{"keys": []map[string]any{
		{"kty": "oct", "kid": "bound", "alg": "HS512", "k": b64(s32)},
		{"kty": "oct", "kid": "free", "k": b64(s32)},
	}})
	ks, skipped, err := parseJWKS(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks.keys) != 1 || ks.keys[0].kid != "free" || len(skipped) != 1 {
		t.Fatalf("kept %+v, skipped %v", ks.keys, skipped)
	}
	if _, err := ks.lookup("free", "HS512"); err == nil {
		t.Error("a 32-byte key was offered for HS512")
	}
	if _, err := ks.lookup("free", "HS256"); err != nil {
		t.Errorf("HS256: %v", err)
	}
}

// Keys may hold an HS256 secret of 32 bytes next to an HS512 one of 64,
// as while an issuer moves from one to the other: each kid's tokens verify
// with the algorithms its secret is long enough for, and the short secret
// never verifies an HS512 token.
func TestKeysTakeAnHS256SecretNextToAnHS512One(t *testing.T) {
	s32 := testSecret[:32]
	v, err := NewJWT(JWTConfig{Algorithms: []string{"HS256", "HS512"}, Keys: map[string]any{"old": s32, "new": testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		kid    string
		method jwt.SigningMethod
		key    []byte
		ok     bool
	}{
		{"old", jwt.SigningMethodHS256, s32, true},
		{"new", jwt.SigningMethodHS512, testSecret, true},
		{"new", jwt.SigningMethodHS256, testSecret, true},
		{"old", jwt.SigningMethodHS512, s32, false},
	} {
		_, err := v.Verify(context.Background(), sign(t, tt.method, tt.key, claims(nil), map[string]any{"kid": tt.kid}))
		if (err == nil) != tt.ok {
			t.Errorf("kid %s, %s: %v", tt.kid, tt.method.Alg(), err)
		}
	}
}
