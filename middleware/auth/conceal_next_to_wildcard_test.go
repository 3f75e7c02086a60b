package auth_test

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// A concealed route P next to a visible route P/* (a page and the pages
// below it, as the problem docs are mounted) stays out of the 405's Allow
// like any other concealed route: a method P does not serve is the 404 of
// an unknown path, not a 405 whose Allow names the hidden GET.
func TestConcealedRouteNextToAWildcardRouteStaysOutOfAllow(t *testing.T) {
	keys := adminKeys(t)
	ok := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, middleware.HeadAsGet)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.With(auth.Conceal, auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin")).Get("/reports", ok)
	r.Get("/reports/*", ok)

	for _, method := range []string{http.MethodPost, http.MethodDelete, "FROB"} {
		t.Run(method, func(t *testing.T) {
			sameAsNotFound(t, r, send(r, method, "/reports", "X-Request-Id", "req-1"))
		})
	}
	rec := send(r, http.MethodPost, "/reports/2024")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /reports/2024: %d Allow %q; want 405 Allow \"GET, HEAD\"", rec.Code, rec.Header().Get("Allow"))
	}
}
