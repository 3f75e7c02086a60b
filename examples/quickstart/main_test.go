package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// The README's quick start is this file: what users copy compiles, and
// follows the recommended order.
func TestReadmeShowsTheQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	// The README leaves out the file's first comment, which is about the file.
	code := string(src)
	code = code[strings.Index(code, "package main"):]
	if !strings.Contains(string(readme), "```go\n"+code+"```\n") {
		t.Fatal("README.md's quick start differs from examples/quickstart/main.go: copy the file into the README")
	}
}

func token(t *testing.T, scope string, exp time.Time) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "alice", "iss": "https://auth.example.com/", "aud": "api", "scope": scope, "exp": exp.Unix(),
	}).SignedString([]byte("a-secret-of-at-least-32-bytes-long!"))
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

func TestQuickStartAnswers(t *testing.T) {
	h := newRouter()
	reader := token(t, "cloud:read", time.Now().Add(time.Hour))
	tests := []struct {
		name, path, auth, accept string
		status                   int
		typ                      string
	}{
		{"the cloud", "/cloud/1", reader, "", 200, ""},
		{"a missing cloud", "/cloud/2", reader, "", 404, "https://api.example.com/problems/not-found"},
		{"an id that is not a number", "/cloud/x", reader, "", 400, "https://api.example.com/problems/bad-request"},
		{"no token", "/cloud/1", "", "", 401, "https://api.example.com/problems/unauthorized"},
		{"an expired token", "/cloud/1", token(t, "cloud:read", time.Now().Add(-time.Hour)), "", 401, "https://api.example.com/problems/unauthorized"},
		{"a missing scope", "/cloud/1", token(t, "user:read", time.Now().Add(time.Hour)), "", 403, "https://api.example.com/problems/forbidden"},
		{"an unacceptable format", "/cloud/1", reader, "text/csv", 406, "https://api.example.com/problems/not-acceptable"},
		{"an unknown path", "/nowhere", "", "", 404, "https://api.example.com/problems/not-found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			req.RemoteAddr = "192.0.2.1:1234"
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.typ == "" {
				return
			}
			var p struct {
				Type   string `json:"type"`
				Status int    `json:"status"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Type != tt.typ || p.Status != tt.status ||
				rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("problem %s (%v), want type %s", rec.Body, err, tt.typ)
			}
		})
	}
}

// The hand-written OpenAPI document says what the router does, and the
// router's middlewares are each where they can do their job. This is the
// README's example of contracttest.
func TestOpenAPIMatchesTheRouter(t *testing.T) {
	doc, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	r := newRouter().(chi.Routes)
	if err := contract.Check(r); err != nil {
		t.Fatal(err) // a middleware where it cannot do its job
	}
	contracttest.Compare(t, r, doc) // fails with a readable diff
}

// The 21st bad token from one client gets a 429, without being checked.
func TestQuickStartThrottlesGuessing(t *testing.T) {
	h := newRouter()
	for i := range 21 {
		req := httptest.NewRequest("GET", "/cloud/1", nil)
		req.RemoteAddr = "198.51.100.7:1234"
		req.Header.Set("Authorization", "Bearer guess.number.x")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		want := http.StatusUnauthorized
		if i == 20 {
			want = http.StatusTooManyRequests
		}
		if rec.Code != want {
			t.Fatalf("guess %d: status %d, want %d", i+1, rec.Code, want)
		}
	}
}
