package auth

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

func TestConcealedRefusalsLookLikeARealNotFound(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t)), AllowAnonymous()), func(r chi.Router) {
		r.With(Conceal, RequireScopes("admin")).Get("/admin", whoami)
		r.With(Conceal, RequireAnyScope("admin", "root")).Get("/any", whoami)
		r.With(Conceal, RequireUser).Get("/user", whoami)
		r.With(Conceal, RequireApp).Get("/app", whoami)
		r.With(Conceal).Get("/projects/{id}", func(w http.ResponseWriter, r *http.Request) {
			Deny(w, r, problem.Forbidden("You may not see this project."))
		})
		r.Get("/hidden/{id}", middleware.NotFound)
		r.Get("/plain", func(w http.ResponseWriter, r *http.Request) {
			Deny(w, r, problem.Forbidden("You may not see this project."))
		})
	})
	user := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	admin := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"scope": "admin"}), nil)
	real404 := do(h, "/no/such/path", user)
	if real404.Code != 404 {
		t.Fatalf("real 404: %d", real404.Code)
	}
	tests := []struct {
		name, path string
		auth       []string
	}{
		{"missing scope", "/admin", []string{user}},
		{"no alias scope", "/any", []string{user}},
		{"app on a user route", "/app", []string{user}},
		{"user route with an API key", "/user", []string{"ApiKey demo-app-key"}},
		{"anonymous", "/admin", nil},
		{"handler's Deny", "/projects/1", []string{user}},
		{"handler's NotVisible", "/hidden/1", []string{user}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.path, tt.auth...)
			if rec.Code != real404.Code || rec.Body.String() != real404.Body.String() || !reflect.DeepEqual(rec.Header(), real404.Header()) {
				t.Errorf("concealed: %d %v %s\nreal 404:  %d %v %s", rec.Code, rec.Header(), rec.Body,
					real404.Code, real404.Header(), real404.Body)
			}
		})
	}
	if rec := do(h, "/admin", admin); rec.Code != 200 {
		t.Errorf("granted on a concealed route: %d", rec.Code)
	}
	if rec := do(h, "/plain", user); rec.Code != 403 {
		t.Errorf("Deny outside Conceal: %d", rec.Code)
	}
}

func TestConcealIsPerRoute(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil))), func(r chi.Router) {
		r.With(Conceal, RequireScopes("admin")).Get("/hidden", whoami)
		r.With(RequireScopes("admin")).Get("/visible", whoami)
	})
	user := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	if rec := do(h, "/hidden", user); rec.Code != 404 {
		t.Errorf("/hidden: %d", rec.Code)
	}
	rec := do(h, "/visible", user)
	if rec.Code != 403 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("/visible: %d %v", rec.Code, rec.Header())
	}
}
