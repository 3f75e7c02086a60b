package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// RFC 9068 §4: a resource server holding tokens to the JWT access token
// profile refuses any whose "typ" is not at+jwt, such as an ID token the
// same authorization server signed with the same key for the same client.
func TestJWTTypesRefusesOtherTokenTypes(t *testing.T) {
	v := hsVerifier(t, func(c *JWTConfig) { c.Types = []string{"at+jwt"} })
	for _, c := range []struct {
		typ  any // nil: no typ header
		pass bool
	}{
		{"at+jwt", true},
		{"application/at+jwt", true},
		{"AT+JWT", true},
		{"Application/AT+JWT", true},
		{"JWT", false},
		{nil, false},
		{"", false},
		{"at+jwt ", false},

		{42, false},
		{[]string{"at+jwt"}, false},
	} {
		var tok string
		if c.typ == nil {
			tok = signWithoutTyp(t)
		} else {
			tok = sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), map[string]any{"typ": c.typ})
		}
		_, err := v.Verify(context.Background(), tok)
		if c.pass != (err == nil) {
			t.Errorf("typ %v: %v, want pass %v", c.typ, err, c.pass)
		}
		if !c.pass && !errors.Is(err, ErrTokenType) {
			t.Errorf("typ %v: %v, want ErrTokenType", c.typ, err)
		}
	}
	// ASCII case only: a Kelvin sign is no 'k'.
	kv := hsVerifier(t, func(c *JWTConfig) { c.Types = []string{"kt+jwt"} })
	if _, err := kv.Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), map[string]any{"typ": "\u212At+jwt"})); !errors.Is(err, ErrTokenType) {
		t.Errorf("a typ spelled with a Kelvin sign: %v, want ErrTokenType", err)
	}
	// Without Types, any typ passes, as before.
	if _, err := hsVerifier(t, nil).Verify(context.Background(), sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)); err != nil {
		t.Errorf("a JWT typ without Types: %v", err)
	}
	if _, err := NewJWT(JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret, Types: []string{"at jwt"}}); err == nil {
		t.Error("NewJWT took a type that is no media type")
	}

	// The 401 says why, in RFC 6750's words.
	h := newRouter(Authenticate(Bearer(v)), nil)
	rec := do(h, "/me", "Bearer "+sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil))
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Header().Get("WWW-Authenticate"), `error="invalid_token"`) ||
		!strings.Contains(rec.Header().Get("WWW-Authenticate"), "not an access token") {
		t.Errorf("an ID token: %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
}

// signWithoutTyp signs the default claims under a header of alg alone:
// golang-jwt adds "typ": "JWT" to the headers it makes.
func signWithoutTyp(t *testing.T) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil))
	delete(tok.Header, "typ")
	s, err := tok.SignedString(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
