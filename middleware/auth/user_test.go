package auth

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

func TestRequireUserAndApp(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t))), func(r chi.Router) {
		r.With(RequireUser).Get("/user", whoami)
		r.With(RequireApp).Get("/app", whoami)
	})
	user := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	app := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"sub": "svc", "client_id": "svc"}), nil)
	tests := []struct {
		name, path, auth string
		status           int
		detail           string
	}{
		{"user on /user", "/user", user, 200, ""},
		{"app token on /user", "/user", app, 403, "exclusive to users"},
		{"API key on /user", "/user", "ApiKey demo-app-key", 403, "exclusive to users"},
		{"app on /app", "/app", app, 200, ""},
		{"API key on /app", "/app", "ApiKey demo-app-key", 200, ""},
		{"user on /app", "/app", user, 403, "exclusive to apps"},
		{"anonymous on /user", "/user", "", 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec = do(h, tt.path)
			if tt.auth != "" {
				rec = do(h, tt.path, tt.auth)
			}
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 403 {
				b := body(t, rec)
				if d, _ := b["detail"].(string); !strings.Contains(d, tt.detail) || b["type"] != "/problems/forbidden" {
					t.Errorf("problem %v", b)
				}
				if rec.Header().Get("WWW-Authenticate") != "" {
					t.Error("a kind refusal is not a scope challenge")
				}
			}
		})
	}
}

func TestRequireAuthenticated(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), AllowAnonymous()), func(r chi.Router) {
		r.With(RequireAuthenticated).Get("/me", whoami)
		r.With(Conceal, RequireAuthenticated).Get("/hidden", whoami)
	})
	user := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	if rec := do(h, "/me", user); rec.Code != 200 {
		t.Fatalf("authenticated: %d", rec.Code)
	}
	rec := do(h, "/me")
	if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer realm=") {
		t.Fatalf("anonymous: %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	if rec := do(h, "/hidden"); rec.Code != 404 || rec.Header().Get("WWW-Authenticate") != "" {
		t.Fatalf("anonymous on a concealed route: %d %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	bare := newRouter(func(next http.Handler) http.Handler { return next }, func(r chi.Router) {
		r.With(RequireAuthenticated).Get("/me", whoami)
	})
	if rec := do(bare, "/me", user); rec.Code != 500 {
		t.Fatalf("without Authenticate: %d, want the 500 of a routing mistake", rec.Code)
	}
}
