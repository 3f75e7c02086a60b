package auth

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// An HMAC secret is at least as long as its algorithm's hash (RFC 7518
// §3.2): 32 bytes for HS256, 48 for HS384, 64 for HS512. A static secret
// may be used with every configured algorithm, so NewJWT holds it to the
// longest; AllowShortHMACKey still takes a short one.
func TestHMACSecretsAreAsLongAsTheirHash(t *testing.T) {
	s48 := []byte(strings.Repeat("k", 48))
	for _, tt := range []struct {
		algs []string
		key  []byte
		want string // "" for no error, else in the error
	}{
		{[]string{"HS256"}, s48[:32], ""},
		{[]string{"HS384"}, s48, ""},
		{[]string{"HS384"}, s48[:47], "HS384 needs an HMAC secret of at least 48 bytes"},
		{[]string{"HS256", "HS512"}, s48, "HS512 needs an HMAC secret of at least 64 bytes"},
		{[]string{"HS512"}, testSecret, ""},
	} {
		_, err := NewJWT(JWTConfig{Algorithms: tt.algs, Key: tt.key})
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%v with %d bytes: %v, want %q", tt.algs, len(tt.key), err, tt.want)
		}
		_, err = NewJWT(JWTConfig{Algorithms: tt.algs, Keys: map[string]any{"a": testSecret, "b": tt.key}})
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%v with %d bytes among keys: %v, want %q", tt.algs, len(tt.key), err, tt.want)
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
