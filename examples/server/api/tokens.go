package api

import (
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token describes a demo token to mint.
type Token struct {
	Subject string
	Scopes  []string
	// App makes an app token: it carries a client_id claim.
	App bool
	// TTL is the token's lifetime: zero means an hour, a negative TTL
	// mints an expired token.
	TTL time.Duration
}

// Mint signs t as an HS256 JWT with the demo's claims: sub, scope
// (space-separated), iss, aud, exp, iat, and client_id for app tokens.
func Mint(secret, issuer, audience string, t Token) (string, error) {
	now := time.Now()
	ttl := t.TTL
	if ttl == 0 {
		ttl = time.Hour
	}
	claims := jwt.MapClaims{
		"sub":   t.Subject,
		"scope": strings.Join(t.Scopes, " "),
		"iss":   issuer,
		"aud":   audience,
		"iat":   now.Unix(),
		"exp":   now.Add(ttl).Unix(),
	}
	if t.App {
		claims["client_id"] = t.Subject
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}
