package auth

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// Test keys, generated once per test binary.
var (
	testSecret = []byte("0123456789abcdef0123456789abcdef0123456789abcdef-test-secret-64b")

	rsaOnce sync.Once
	rsaKeys [2]*rsa.PrivateKey
)

func testRSAKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	rsaOnce.Do(func() {
		for j := range rsaKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys[j] = k
		}
	})
	return rsaKeys[i]
}

func testECKey(t testing.TB, c elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func testEdKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// claims returns valid user claims for tests, with extra merged in (a nil
// value deletes the claim).
func claims(extra map[string]any) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{
		"sub":   "alice",
		"iss":   "https://issuer.test",
		"aud":   "api",
		"iat":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
		"scope": "cloud:read cloud:write",
	}
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign returns a token signed with method and key, with header fields
// added (e.g. "kid").
func sign(t testing.TB, method jwt.SigningMethod, key any, c jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hsVerifier is the HS256 verifier most tests use.
func hsVerifier(t testing.TB, mod func(*JWTConfig)) *JWT {
	t.Helper()
	cfg := JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret, Issuer: "https://issuer.test", Audience: "api"}
	if mod != nil {
		mod(&cfg)
	}
	v, err := NewJWT(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// testAPIKeys holds the demo's API key.
func testAPIKeys(t testing.TB) *APIKeys {
	t.Helper()
	k, err := NewAPIKeys(APIKeyApp{Key: "demo-app-key", ClientID: "demo-app", Scopes: []string{"cloud:read"}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// whoami answers 200 with the principal as JSON.
func whoami(w http.ResponseWriter, r *http.Request) {
	p, ok := PrincipalFrom(r.Context())
	if !ok {
		w.Write([]byte(`{"anonymous":true}`))
		return
	}
	json.NewEncoder(w).Encode(map[string]any{
		"subject": p.Subject, "client_id": p.ClientID, "kind": p.Kind.String(),
		"scopes": p.Scopes(), "scheme": p.Scheme, "key": p.Key(),
	})
}

// newRouter returns a chi router with the problem 404/405 handlers, auth
// on every route, and route registers more routes.
func newRouter(auth func(http.Handler) http.Handler, route func(chi.Router)) *chi.Mux {
	r := chi.NewRouter()
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Use(auth)
	r.Get("/me", whoami)
	if route != nil {
		route(r)
	}
	return r
}

// do sends a GET to h with the given Authorization values.
func do(h http.Handler, target string, authorization ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, a := range authorization {
		req.Header.Add("Authorization", a)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// body decodes a JSON response body.
func body(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	return m
}

// parsedChallenge is one WWW-Authenticate challenge.
type parsedChallenge struct {
	scheme string
	params map[string]string
}

// parseChallenge parses one challenge strictly by RFC 9110 §11.6.1 (as
// chiguard sends them: auth-params only, values quoted), failing on
// anything else.
func parseChallenge(s string) (parsedChallenge, error) {
	c := parsedChallenge{params: map[string]string{}}
	i := 0
	for i < len(s) && isAuthTchar(s[i]) {
		i++
	}
	if i == 0 {
		return c, fmt.Errorf("no scheme in %q", s)
	}
	c.scheme, s = s[:i], s[i:]
	if s == "" {
		return c, nil
	}
	if s[0] != ' ' {
		return c, fmt.Errorf("no space after scheme in %q", s)
	}
	s = s[1:]
	for {
		i = 0
		for i < len(s) && isAuthTchar(s[i]) {
			i++
		}
		if i == 0 || i == len(s) || s[i] != '=' {
			return c, fmt.Errorf("bad auth-param in %q", s)
		}
		name := strings.ToLower(s[:i])
		s = s[i+1:]
		if s == "" || s[0] != '"' {
			return c, fmt.Errorf("unquoted value in %q", s)
		}
		var v strings.Builder
		j := 1
		for ; j < len(s) && s[j] != '"'; j++ {
			if s[j] == '\\' {
				j++
				if j == len(s) {
					return c, fmt.Errorf("dangling escape")
				}
			}
			if s[j] < 0x20 && s[j] != '\t' || s[j] == 0x7f {
				return c, fmt.Errorf("control character in %q", s)
			}
			v.WriteByte(s[j])
		}
		if j == len(s) {
			return c, fmt.Errorf("unterminated quoted-string")
		}
		if _, dup := c.params[name]; dup {
			return c, fmt.Errorf("duplicate parameter %s", name)
		}
		c.params[name] = v.String()
		s = s[j+1:]
		if s == "" {
			return c, nil
		}
		if !strings.HasPrefix(s, ", ") {
			return c, fmt.Errorf("bad separator in %q", s)
		}
		s = s[2:]
	}
}

// checkChallenges parses every WWW-Authenticate field of rec and checks
// the RFC 6750 rules: realm on each, error_description and scope from
// their allowed characters. It returns the challenges by lower-cased scheme.
func checkChallenges(t testing.TB, h http.Header) map[string]parsedChallenge {
	t.Helper()
	out := map[string]parsedChallenge{}
	for _, f := range h.Values("WWW-Authenticate") {
		c, err := parseChallenge(f)
		if err != nil {
			t.Fatalf("WWW-Authenticate %q: %v", f, err)
		}
		if d, ok := c.params["error_description"]; ok && !validDescription(d) {
			t.Errorf("error_description %q has characters RFC 6750 forbids", d)
		}
		out[strings.ToLower(c.scheme)] = c
	}
	return out
}

// validDescription checks RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E.
func validDescription(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// jwksServer serves a key set that tests can switch or break.
type jwksServer struct {
	*httptest.Server
	fetches atomic.Int64
	mu      sync.Mutex
	doc     []byte
	code    int
}

func newJWKSServer(t testing.TB) *jwksServer {
	t.Helper()
	s := &jwksServer{code: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		doc, status := s.doc, s.code
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.WriteHeader(status)
		w.Write(doc)
	}))
	t.Cleanup(s.Close)
	return s
}

// status returns the status the server answers with.
func (s *jwksServer) status() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.code
}

// serve switches the served set; status other than 200 breaks it.
func (s *jwksServer) serve(status int, keys ...map[string]any) {
	doc, _ := json.Marshal(map[string]any{"keys": keys})
	s.mu.Lock()
	s.doc, s.code = doc, status
	s.mu.Unlock()
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwkOf renders a public key as a JWK.
func jwkOf(kid string, key any) map[string]any {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return map[string]any{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
			"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes())}
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		raw, _ := k.Bytes()
		return map[string]any{"kty": "EC", "kid": kid, "crv": k.Curve.Params().Name,
			"x": b64(raw[1 : 1+size]), "y": b64(raw[1+size:])}
	case ed25519.PublicKey:
		return map[string]any{"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64(k)}
	case []byte:
		return map[string]any{"kty": "oct", "kid": kid, "k": b64(k)}
	}
	panic(fmt.Sprintf("jwkOf %T", key))
}

// logBuffer captures what a problem writer logs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// withLogger installs a problem writer that logs into a buffer.
func withLogger(h http.Handler) (http.Handler, *logBuffer) {
	l := &logBuffer{}
	pw := &problem.Writer{Logger: slog.New(slog.NewTextHandler(l, nil))}
	return pw.Handler(h), l
}

// quietLog discards what verifiers log about their infrastructure.
var quietLog = slog.New(slog.DiscardHandler)
