package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A JOSE header and a claims set are UTF-8 JSON (RFC 7515 §5.2, RFC 7519
// §7.2): bytes that are not UTF-8 make the token malformed, even signed.
// encoding/json would replace each with U+FFFD, so that "al\xe9ice" and
// "al\xe8ice", two subjects to their issuer, would be one principal here.
func TestJWTNotUTF8IsMalformed(t *testing.T) {
	v := hsVerifier(t, nil)
	exp := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	claimsWith := func(sub string) string {
		return `{"sub":"` + sub + `","iss":"https://issuer.test","aud":"api","exp":` + exp + `}`
	}
	e := base64.RawURLEncoding.EncodeToString
	signed := func(header, payload string) string {
		s := e([]byte(header)) + "." + e([]byte(payload))
		sig, err := jwt.SigningMethodHS256.Sign(s, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		return s + "." + e(sig)
	}
	const header = `{"alg":"HS256","typ":"JWT"}`
	tests := []struct {
		name, header, payload string
		want                  error
	}{
		{"UTF-8 subject", header, claimsWith("al\u00e9ice"), nil},
		{"Latin-1 subject", header, claimsWith("al\xe9ice"), ErrTokenMalformed},
		{"lone continuation byte in a claim name", header, "{\"x\x80\":1," + claimsWith("alice")[1:], ErrTokenMalformed},
		{"Latin-1 in the header", "{\"alg\":\"HS256\",\"x\":\"\xff\"}", claimsWith("alice"), ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), signed(tt.header, tt.payload))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Verify: %v, want %v", err, tt.want)
			}
		})
	}
}
