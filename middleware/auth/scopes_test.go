package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

func TestRequireScopes(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t))), func(r chi.Router) {
		r.With(RequireScopes("cloud:read", "cloud:write")).Get("/all", whoami)
		r.With(RequireAnyScope("ifc:write", "model:write")).Get("/any", whoami)
	})
	token := func(scope string) string {
		return "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"scope": scope}), nil)
	}
	tests := []struct {
		name     string
		path     string
		auth     string
		status   int
		scheme   string
		required []any
		missing  []any
	}{
		{"all granted", "/all", token("cloud:read cloud:write other"), 200, "", nil, nil},
		{"one missing", "/all", token("cloud:read"), 403, "Bearer", []any{"cloud:read", "cloud:write"}, []any{"cloud:write"}},
		{"none granted", "/all", token(""), 403, "Bearer", []any{"cloud:read", "cloud:write"}, []any{"cloud:read", "cloud:write"}},
		{"API key lacks a scope", "/all", "ApiKey demo-app-key", 403, "ApiKey", []any{"cloud:read", "cloud:write"}, []any{"cloud:write"}},
		{"first alias", "/any", token("ifc:write"), 200, "", nil, nil},
		{"second alias", "/any", token("model:write"), 200, "", nil, nil},
		{"no alias", "/any", token("ifc:read"), 403, "Bearer", []any{"ifc:write", "model:write"}, []any{"ifc:write", "model:write"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.path, tt.auth)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == 200 {
				return
			}
			fields := rec.Header().Values("WWW-Authenticate")
			if len(fields) != 1 {
				t.Fatalf("challenges %q", fields)
			}
			c, err := parseChallenge(fields[0])
			if err != nil {
				t.Fatal(err)
			}
			checkChallenges(t, rec.Header())
			wantScope := tt.required[0].(string) + " " + tt.required[1].(string)
			if c.scheme != tt.scheme || c.params["error"] != "insufficient_scope" || c.params["scope"] != wantScope {
				t.Errorf("challenge %q", fields[0])
			}
			b := body(t, rec)
			if !reflect.DeepEqual(b["required_scopes"], tt.required) || !reflect.DeepEqual(b["missing_scopes"], tt.missing) {
				t.Errorf("problem %v", b)
			}
			if b["type"] != "/problems/forbidden" || b["detail"] == "" {
				t.Errorf("problem %v", b)
			}
		})
	}
}

func TestRequireScopesWithoutAuthenticate(t *testing.T) {
	r := chi.NewRouter()
	r.With(RequireScopes("a")).Get("/", whoami)
	h, logs := withLogger(r)
	if rec := do(h, "/"); rec.Code != 500 || logs.String() == "" {
		t.Errorf("a route without Authenticate must fail closed and loudly: %d %q", rec.Code, logs)
	}
}

func TestRequireScopesPanicsOnBadScopes(t *testing.T) {
	for _, scopes := range [][]string{nil, {""}, {"a b"}, {`a"`}, {"é"}, {"a\u00a0b"}, {"a\tb"}, {"a\u3000b"}, {"ok", " "}} {
		want := "auth: RequireScopes and RequireAnyScope need at least one scope"
		if len(scopes) > 0 {
			want = fmt.Sprintf("auth: %q is not a valid scope", scopes[len(scopes)-1])
		}
		for name, require := range map[string]func(...string) func(http.Handler) http.Handler{
			"RequireScopes": RequireScopes, "RequireAnyScope": RequireAnyScope,
		} {
			func() {
				defer func() {
					if v := recover(); v != want {
						t.Errorf("%s(%q) panicked with %v, want %q", name, scopes, v, want)
					}
				}()
				require(scopes...)
			}()
		}
	}
}

// BenchmarkRequireScopes measures the scope check on its own: the same
// route with and without it, the principal already in the context.
func BenchmarkRequireScopes(b *testing.B) {
	p := Principal{Subject: "alice", Kind: KindUser, Scope: "cloud:read cloud:write ifc:read ifc:write"}
	noContent := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req = req.WithContext(WithPrincipal(req.Context(), p))
	for _, bm := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", noContent},
		{"require-scopes", RequireScopes("cloud:read", "ifc:write")(noContent)},
		{"require-any-scope", RequireAnyScope("model:write", "ifc:write")(noContent)},
		{"require-user", RequireUser(noContent)},
	} {
		b.Run(bm.name, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				bm.h.ServeHTTP(w, req)
			}
		})
	}
}
