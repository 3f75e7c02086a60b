package auth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/ratelimit"
)

// Conceal applied to a route's handler itself, r.Method("PUT", p,
// auth.Conceal(h)), leaves no middleware list for the router's 405 to
// find it in: its method was listed in Allow, and a path that only it
// serves answered other methods with a 405 naming it.
func TestConcealWrappingTheHandlerStaysOutOfAllow(t *testing.T) {
	keys := adminKeys(t)
	guarded := func() http.Handler {
		return auth.Conceal(auth.Authenticate(auth.APIKey(keys))(auth.RequireScopes("admin")(
			http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))))
	}
	r := concealRoot()
	r.Get("/reports", func(w http.ResponseWriter, _ *http.Request) {})
	r.Method(http.MethodDelete, "/reports", guarded())
	r.Method(http.MethodPut, "/flags", guarded())

	rec := send(r, http.MethodPatch, "/reports")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("PATCH /reports: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		t.Run(method+" /flags", func(t *testing.T) {
			sameAsNotFound(t, r, send(r, method, "/flags", "X-Request-Id", "req-1"))
		})
	}
	if rec := send(r, http.MethodPut, "/flags", "Authorization", "ApiKey admin-key"); rec.Code != http.StatusNoContent {
		t.Errorf("the admin: %d %s", rec.Code, rec.Body)
	}
}

// A subrouter mounted as auth.Conceal(sub) answers its own 404 and 405
// under Conceal: its 405 named the methods of its routes (every method, as
// the root's mount serves them all), and its 404 kept the headers set
// since Conceal ran, a limiter's RateLimit fields among them.
func TestAConcealedSubrouterAnswersItsUnknownPathsLikeTheRoot(t *testing.T) {
	keys := adminKeys(t)
	r := concealRoot()
	sub := chi.NewRouter() // chi passes the root's 404 and 405 on to a *chi.Mux only
	sub.NotFound(middleware.NotFound)
	sub.MethodNotAllowed(middleware.MethodNotAllowed)
	sub.Use(ratelimit.Limit(100, time.Minute, ratelimit.KeyBy(ratelimit.ByIP)))
	sub.With(auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin")).
		Put("/flags", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Mount("/admin", auth.Conceal(sub))

	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, "/admin/flags"},
		{http.MethodPut, "/admin/flags"},
		{http.MethodGet, "/admin/nothing"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			sameAsNotFound(t, r, send(r, tt.method, tt.path, "X-Request-Id", "req-1"))
		})
	}
	rec := send(r, http.MethodPut, "/admin/flags", "Authorization", "ApiKey admin-key")
	if rec.Code != http.StatusNoContent || rec.Header().Get("RateLimit") == "" {
		t.Errorf("the admin: %d %v", rec.Code, rec.Header())
	}
}
