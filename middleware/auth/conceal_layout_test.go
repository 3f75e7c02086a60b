package auth_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
)

// concealedAPI is the recommended layout with concealed routes: a limiter
// in the concealed group, Negotiate after the authorization check, a DELETE-only concealed route, a
// path whose GET is public and whose DELETE is concealed, and a concealed
// subrouter.
func concealedAPI(t *testing.T) http.Handler {
	keys, err := auth.NewAPIKeys(
		auth.APIKeyApp{Key: "reader-key", ClientID: "reader", Scopes: []string{"cloud:read"}},
		auth.APIKeyApp{Key: "admin-key", ClientID: "admin", Scopes: []string{"admin"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	authn := auth.Authenticate(auth.APIKey(keys))
	pw := &problem.Writer{}
	ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }

	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, middleware.HeadAsGet)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Group(func(r chi.Router) {
		r.Use(auth.Conceal, authn, ratelimit.Limit(100, time.Minute))
		r.With(auth.RequireScopes("admin"), middleware.Negotiate("application/json")).Delete("/admin/clouds/{id}", ok)
	})
	r.With(authn).Get("/shared", ok)
	r.With(auth.Conceal, authn, auth.RequireScopes("admin")).Delete("/shared", ok)
	r.Route("/internal", func(r chi.Router) {
		r.Use(auth.Conceal, authn, auth.RequireScopes("admin"))
		r.Put("/flags", ok)
	})
	return r
}

func send(h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// sameAsNotFound fails unless rec is the 404 of an unknown path: status,
// body and header names (X-Request-Id differs per request).
func sameAsNotFound(t *testing.T, h http.Handler, rec *httptest.ResponseRecorder) {
	t.Helper()
	real := send(h, http.MethodGet, "/no/such/path", "X-Request-Id", "req-1")
	if rec.Code != real.Code || rec.Body.String() != real.Body.String() {
		t.Errorf("concealed answer %d %s\nreal 404         %d %s", rec.Code, rec.Body, real.Code, real.Body)
	}
	got, want := slices.Sorted(maps.Keys(rec.Header())), slices.Sorted(maps.Keys(real.Header()))
	if !slices.Equal(got, want) {
		t.Errorf("concealed answer has headers %v, a real 404 %v", got, want)
	}
	for _, k := range want {
		if k != "X-Request-Id" && !slices.Equal(rec.Header()[k], real.Header()[k]) {
			t.Errorf("%s: concealed %q, real %q", k, rec.Header()[k], real.Header()[k])
		}
	}
}

func TestConcealedRoutesAnswerLikeAnUnknownPath(t *testing.T) {
	h := concealedAPI(t)
	tests := []struct {
		name, method, path string
		headers            []string
	}{
		{"anonymous", "DELETE", "/admin/clouds/1", nil},
		{"unknown key", "DELETE", "/admin/clouds/1", []string{"Authorization", "ApiKey guessed"}},
		{"malformed credentials", "DELETE", "/admin/clouds/1", []string{"Authorization", "ApiKey a b"}},
		{"unsupported scheme", "DELETE", "/admin/clouds/1", []string{"Authorization", "Basic dXNlcjpwdw=="}},
		{"missing scope, behind a limiter", "DELETE", "/admin/clouds/1", []string{"Authorization", "ApiKey reader-key"}},
		{"unacceptable Accept is not even reached", "DELETE", "/admin/clouds/1", []string{"Authorization", "ApiKey reader-key", "Accept", "text/csv"}},
		{"method the concealed route does not serve", "GET", "/admin/clouds/1", []string{"Authorization", "ApiKey reader-key"}},
		{"method of a concealed subrouter", "GET", "/internal/flags", nil},
		{"concealed subrouter, missing scope", "PUT", "/internal/flags", []string{"Authorization", "ApiKey reader-key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameAsNotFound(t, h, send(h, tt.method, tt.path, append(tt.headers, "X-Request-Id", "req-1")...))
		})
	}
}

func TestConcealedRoutesServeTheirCallers(t *testing.T) {
	h := concealedAPI(t)
	rec := send(h, "DELETE", "/admin/clouds/1", "Authorization", "ApiKey admin-key")
	if rec.Code != http.StatusNoContent || rec.Header().Get("RateLimit") == "" {
		t.Fatalf("admin: %d %v", rec.Code, rec.Header())
	}
	if rec := send(h, "PUT", "/internal/flags", "Authorization", "ApiKey admin-key"); rec.Code != http.StatusNoContent {
		t.Fatalf("admin on the subrouter: %d", rec.Code)
	}
}

// A path with a public GET and a concealed DELETE lists only the public
// methods in the 405's Allow.
func TestAllowLeavesConcealedMethodsOut(t *testing.T) {
	h := concealedAPI(t)
	rec := send(h, "POST", "/shared", "Authorization", "ApiKey reader-key")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST /shared: %d Allow %q; want 405 Allow \"GET, HEAD\"", rec.Code, rec.Header().Get("Allow"))
	}
	sameAsNotFound(t, h, send(h, "DELETE", "/shared", "Authorization", "ApiKey reader-key", "X-Request-Id", "req-1"))
}

// The budgets a concealed route spends show in the RateLimit fields of the
// routes that share them. With budgets of its own, as Conceal's doc says,
// probing a concealed route moves no count a visible route shows: a
// concealed route and an unknown path cost a prober the same.
func TestConcealedRoutesWithTheirOwnBudgetsMoveNoVisibleCount(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "reader-key", ClientID: "reader", Scopes: []string{"cloud:read"}})
	if err != nil {
		t.Fatal(err)
	}
	visible := auth.Authenticate(auth.APIKey(keys), ratelimit.LimitFailures(20, time.Minute))
	hidden := auth.Authenticate(auth.APIKey(keys), ratelimit.LimitFailures(20, time.Minute))
	ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.NotFound(middleware.NotFound)
	r.With(visible, ratelimit.Limit(100, time.Minute)).Get("/me", ok)
	r.With(auth.Conceal, hidden, ratelimit.Limit(100, time.Minute),
		auth.RequireScopes("admin")).Get("/admin/secret", ok)

	remaining := func(headers ...string) string {
		t.Helper()
		rec := send(r, http.MethodGet, "/me", headers...)
		return rec.Header().Get("RateLimit")
	}
	for _, who := range []struct {
		name    string
		headers []string
	}{
		{"bad credentials", []string{"Authorization", "ApiKey garbage"}},
		{"a caller without the scope", []string{"Authorization", "ApiKey reader-key"}},
	} {
		t.Run(who.name, func(t *testing.T) {
			before := remaining(who.headers...)
			for _, path := range []string{"/admin/nothing", "/admin/secret"} {
				if rec := send(r, http.MethodGet, path, who.headers...); rec.Code != http.StatusNotFound {
					t.Fatalf("%s: %d", path, rec.Code)
				}
				after := remaining(who.headers...)
				// Each /me request spends one unit of its own: the probe
				// in between must spend none of /me's.
				if !oneLess(before, after) {
					t.Errorf("probing %s: /me's RateLimit went from %q to %q", path, before, after)
				}
				before = after
			}
		})
	}
}

// oneLess reports whether RateLimit field b has r one less than a, its
// item's name and t aside.
func oneLess(a, b string) bool {
	ra, rb := fieldR(a), fieldR(b)
	return ra >= 0 && rb == ra-1
}

func fieldR(f string) int {
	_, after, ok := strings.Cut(f, ";r=")
	if !ok {
		return -1
	}
	n, _ := strconv.Atoi(strings.SplitN(after, ";", 2)[0])
	return n
}
