package api_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/golang-jwt/jwt/v5"
)

// With JWKSURL the API verifies RS256 tokens from that key set only: the
// HS256 demo tokens are refused, issuer and audience still apply.
func TestJWKSMode(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]any{
			"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	defer jwks.Close()

	cfg := api.DefaultConfig()
	cfg.JWKSURL = jwks.URL
	a, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	rs256 := func(iss string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
			"sub": "alice", "scope": "cloud:read", "iss": iss, "aud": cfg.Audience,
			"exp": time.Now().Add(time.Hour).Unix(),
		})
		tok.Header["kid"] = "k1"
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	hs256, _ := api.Mint(cfg.JWTSecret, cfg.Issuer, cfg.Audience, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}})
	for _, tt := range []struct {
		name  string
		token string
		want  int
	}{
		{"RS256 from the JWKS", rs256(cfg.Issuer), 200},
		{"RS256 with another issuer", rs256("someone-else"), 401},
		{"HS256 demo token", hs256, 401},
	} {
		r := httptest.NewRequest("GET", "/cloud/1", nil)
		r.Header.Set("Authorization", "Bearer "+tt.token)
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		if w.Code != tt.want {
			t.Errorf("%s: %d, want %d: %s", tt.name, w.Code, tt.want, w.Body)
		}
	}
}

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want api.Rate
		ok   bool
	}{
		{"600/1m", api.Rate{N: 600, Window: time.Minute}, true},
		{"10/1h", api.Rate{N: 10, Window: time.Hour}, true},
		{"5/h", api.Rate{N: 5, Window: time.Hour}, true},
		{"0/1m", api.Rate{}, false},
		{"ten/1m", api.Rate{}, false},
		{"10/100ms", api.Rate{}, false},
		{"10", api.Rate{}, false},
		{"10/", api.Rate{}, false},
		{"5/10s", api.Rate{N: 5, Window: 10 * time.Second}, true},
		{"5/1m30s", api.Rate{N: 5, Window: 90 * time.Second}, true},
		{"5/1h10m", api.Rate{N: 5, Window: 70 * time.Minute}, true},
		{"5/2h", api.Rate{N: 5, Window: 2 * time.Hour}, true},
	} {
		got, err := api.ParseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != tt.in && tt.in != "5/h" {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
		if back, err := api.ParseRate(got.String()); tt.ok && (err != nil || back != got) {
			t.Errorf("ParseRate(%q), from %v.String(), = %v, %v", got.String(), got, back, err)
		}
	}
}

// GET / points a newcomer to the error docs and lists the routes.
func TestIndexListsDocsAndRoutes(t *testing.T) {
	a, err := api.New(api.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	var index struct {
		Docs   string   `json:"docs"`
		Routes []string `json:"routes"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &index); err != nil || rec.Code != 200 {
		t.Fatalf("%d %s (%v)", rec.Code, rec.Body, err)
	}
	if index.Docs != "/problems" || !slices.Contains(index.Routes, "GET /cloud") ||
		!slices.Contains(index.Routes, "DELETE /cloud/{cloudPk}") {
		t.Errorf("index %+v", index)
	}
	rec = httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", index.Docs, nil))
	if rec.Code != 200 {
		t.Errorf("the index's docs link answers %d", rec.Code)
	}
}

// MaintenanceStatus 503 is the switch for clients that retry only 503s.
func TestMaintenanceStatus(t *testing.T) {
	for _, status := range []int{502, 503} {
		cfg := api.DefaultConfig()
		cfg.Maintenance, cfg.MaintenanceStatus = true, status
		a, err := api.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest("GET", "/cloud", nil))
		a.Close()
		if rec.Code != status || rec.Header().Get("Retry-After") != "120" {
			t.Errorf("status %d, Retry-After %q; want %d and 120", rec.Code, rec.Header().Get("Retry-After"), status)
		}
	}
}
