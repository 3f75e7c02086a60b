package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// A claims set, or an introspection response, that escapes a lone
// surrogate refuses the token: encoding/json decodes "a\ud800" and
// "a\udbff", two subjects to their issuer, both as "a\ufffd", one
// principal here. A pair, and an escaped backslash before "u", are text.
func TestLoneSurrogateEscapesRefuseTheToken(t *testing.T) {
	exp := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	e := base64.RawURLEncoding.EncodeToString
	signed := func(sub string) string {
		s := e([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." +
			e([]byte(`{"sub":"`+sub+`","iss":"https://issuer.test","aud":"api","exp":`+exp+`}`))
		sig, err := jwt.SigningMethodHS256.Sign(s, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		return s + "." + e(sig)
	}
	jwtServer := httptest.NewServer(newRouter(Authenticate(Bearer(hsVerifier(t, nil))), nil))
	t.Cleanup(jwtServer.Close)
	var introspected string
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"active":true,"sub":"`+introspected+`","aud":"api"}`)
	}))
	t.Cleanup(endpoint.Close)
	iv, err := NewIntrospection(IntrospectionConfig{URL: endpoint.URL, ClientID: "api", Audience: "api", CacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	introServer := httptest.NewServer(newRouter(Authenticate(Bearer(iv)), nil))
	t.Cleanup(introServer.Close)

	const jwtChallenge = `Bearer realm="api", error="invalid_token", error_description="The credentials are malformed"`
	const introChallenge = `Bearer realm="api", error="invalid_token", error_description="The access token lacks a required claim or has an invalid one"`
	tests := []struct {
		name, sub string
		want      string // the subject, "" for a refusal
	}{
		{"high half alone", `a\ud800`, ""},
		{"high half at the end", `a\uDBFF`, ""},
		{"low half alone", `a\udc00`, ""},
		{"high half before a character", `a\ud800\u0041`, ""},
		{"two high halves", `a\ud800\ud800`, ""},
		{"pair", `a\ud83d\ude00`, "a\U0001F600"},
		{"escaped backslash before u", `a\\ud800`, `a\ud800`},
		{"U+FFFD itself", `a\ufffd`, "a\ufffd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			introspected = tt.sub
			for _, c := range []struct {
				srv              *httptest.Server
				token, challenge string
			}{{jwtServer, signed(tt.sub), jwtChallenge}, {introServer, "opaque-token", introChallenge}} {
				req, _ := http.NewRequest(http.MethodGet, c.srv.URL+"/me", nil)
				req.Header.Set("Authorization", "Bearer "+c.token)
				resp, err := c.srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var b map[string]any
				err = json.NewDecoder(resp.Body).Decode(&b)
				resp.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				if tt.want != "" {
					if resp.StatusCode != http.StatusOK || b["subject"] != tt.want {
						t.Errorf("%s: %d %v, want 200 for subject %q", c.srv.URL, resp.StatusCode, b, tt.want)
					}
					continue
				}
				if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != c.challenge ||
					b["status"] != float64(http.StatusUnauthorized) || resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s: %d %q %v, want a 401 with %q", c.srv.URL, resp.StatusCode,
						resp.Header.Get("WWW-Authenticate"), b, c.challenge)
				}
			}
		})
	}
}

// The JOSE header is held to the same rule as the claims.
func TestLoneSurrogateInTheHeaderIsMalformed(t *testing.T) {
	v := hsVerifier(t, nil)
	exp := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	e := base64.RawURLEncoding.EncodeToString
	for header, want := range map[string]bool{
		`{"alg":"HS256","kid":"k\ud800"}`:       false,
		`{"alg":"HS256","kid":"k\ud83d\ude00"}`: true,
	} {
		s := e([]byte(header)) + "." + e([]byte(`{"sub":"alice","iss":"https://issuer.test","aud":"api","exp":`+exp+`}`))
		sig, err := jwt.SigningMethodHS256.Sign(s, testSecret)
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(t.Context(), s+"."+e(sig))
		if want && err != nil || !want && !errors.Is(err, ErrTokenMalformed) {
			t.Errorf("header %s: %v, want accepted %v", header, err, want)
		}
	}
}
