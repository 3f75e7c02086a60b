package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
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
	for _, n := range []int{1, 8, 64} {
		scopes := make([]string, n)
		for i := range scopes {
			scopes[i] = "service" + strconv.Itoa(i) + ":read"
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r = r.WithContext(WithPrincipal(r.Context(), Principal{Subject: "alice", Kind: KindUser, Scope: strings.Join(scopes, " ")}))
		slices.Reverse(scopes) // the last granted is required first
		served := 0
		h := RequireScopes(scopes...)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
		b.Run("require-scopes/"+strconv.Itoa(n)+"x"+strconv.Itoa(n), func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
			if served == 0 {
				b.Fatal("refused")
			}
		})
		// The 403: every scope granted but the one required last, so the
		// missing list is computed over the whole granted list.
		lacking := httptest.NewRequest(http.MethodGet, "/", nil)
		lacking = lacking.WithContext(WithPrincipal(lacking.Context(),
			Principal{Subject: "alice", Kind: KindUser, Scope: strings.Join(scopes[1:], " ") + " other:read"}))
		b.Run("denied/"+strconv.Itoa(n)+"x"+strconv.Itoa(n), func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, lacking)
			}
		})
	}
}

// A 403 names the realm like the 401s do, speaks of the credentials the
// client sent, and reads well for one scope.
func TestInsufficientScopeAnswer(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t)), Realm("shop")), func(r chi.Router) {
		r.With(RequireScopes("user:read")).Get("/one", whoami)
		r.With(RequireScopes("user:read", "user:write")).Get("/two", whoami)
	})
	user := "Bearer " + sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"scope": "cloud:read"}), nil)
	tests := []struct {
		path, auth, challenge, detail string
	}{
		{"/one", "ApiKey demo-app-key",
			`ApiKey realm="shop", error="insufficient_scope", error_description="The credentials lack a scope this resource requires", scope="user:read"`,
			"This resource requires the scope user:read, which your credentials lack."},
		{"/one", user,
			`Bearer realm="shop", error="insufficient_scope", error_description="The access token lacks a scope this resource requires", scope="user:read"`,
			"This resource requires the scope user:read, which your credentials lack."},
		{"/two", user,
			`Bearer realm="shop", error="insufficient_scope", error_description="The access token lacks a scope this resource requires", scope="user:read user:write"`,
			"This resource requires the scopes user:read, user:write; your credentials lack user:read, user:write."},
	}
	for _, tt := range tests {
		rec := do(h, tt.path, tt.auth)
		if rec.Code != http.StatusForbidden {
			t.Fatalf("%s with %s: %d", tt.path, tt.auth, rec.Code)
		}
		if got := rec.Header().Get("WWW-Authenticate"); got != tt.challenge {
			t.Errorf("%s with %.6s: challenge\n%s\nwant\n%s", tt.path, tt.auth, got, tt.challenge)
		}
		if p := testkit.Problem(t, rec, http.StatusForbidden); p["detail"] != tt.detail {
			t.Errorf("detail %q, want %q", p["detail"], tt.detail)
		}
	}
}

// The 400 for two credentials speaks of a query parameter only where
// QueryToken accepts one.
func TestMultipleCredentialsDetail(t *testing.T) {
	for _, tt := range []struct {
		opts []Option
		want bool
	}{
		{[]Option{Bearer(hsVerifier(t, nil))}, false},
		{[]Option{Bearer(hsVerifier(t, nil)), QueryToken()}, true},
	} {
		h := newRouter(Authenticate(tt.opts...), nil)
		p := testkit.Problem(t, do(h, "/me", "Bearer a", "Bearer b"), http.StatusBadRequest)
		if got := strings.Contains(p["detail"].(string), "access_token"); got != tt.want {
			t.Errorf("detail %q mentions access_token: %v, want %v", p["detail"], got, tt.want)
		}
	}
}

// With many required scopes the check is one pass over the granted ones;
// it must answer as the search per scope does.
func TestManyRequiredScopes(t *testing.T) {
	req := []string{"a:1", "b:2", "c:3", "d:4", "e:5", "a:1"}
	for _, tc := range []struct {
		granted  string
		all, any bool
	}{
		{"a:1 b:2 c:3 d:4 e:5", true, true},
		{"e:5 d:4 c:3 b:2 a:1 x:9", true, true},
		{"a:1 b:2 c:3 d:4", false, true},
		{"a:1 a:1 a:1 a:1 a:1", false, true},
		{"x:9 a:10 a:", false, false},
		{"", false, false},
	} {
		p := &Principal{Subject: "s", Scope: tc.granted}
		all := &scopeCheck{scopes: req, all: true}
		anyOf := &scopeCheck{scopes: req}
		for _, c := range []*scopeCheck{all, anyOf} {
			c.index = map[string]int{}
			for _, s := range req {
				if _, ok := c.index[s]; !ok {
					c.index[s] = len(c.index)
				}
			}
			c.distinct = len(c.index)
		}
		if got := all.granted(p); got != tc.all {
			t.Errorf("all of %q: %v", tc.granted, got)
		}
		if got := anyOf.granted(p); got != tc.any {
			t.Errorf("any of %q: %v", tc.granted, got)
		}
	}
}

// From indexedScopes required scopes on, granted and the 403's
// missing_scopes come from one pass over the granted list: they must say
// what a search per scope says, in the required order, repeats included.
func TestMissingScopesOfManyRequired(t *testing.T) {
	required := []string{"a:1", "b:2", "c:3", "d:4", "e:5", "b:2", "f:6"}
	for _, tc := range []struct {
		granted string
		all     bool
		missing []string
	}{
		{"e:5 x:9 a:1 c:3", true, []string{"b:2", "d:4", "b:2", "f:6"}},
		{"", true, required},
		{"f:6 e:5 d:4 c:3 b:2", true, []string{"a:1"}},
		{"x:1 y:2", false, required},
	} {
		c := newScopeCheck(required, tc.all)
		p := &Principal{Subject: "alice", Scope: tc.granted}
		if got := c.missing(p); !slices.Equal(got, tc.missing) {
			t.Errorf("granted %q: missing %q, want %q", tc.granted, got, tc.missing)
		}
		slow := &scopeCheck{scopes: c.scopes, all: c.all}
		if c.granted(p) != slow.granted(p) || !slices.Equal(slow.missing(p), tc.missing) {
			t.Errorf("granted %q: the indexed check disagrees with the search per scope", tc.granted)
		}
	}
}
