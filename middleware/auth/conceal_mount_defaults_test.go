package auth_test

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware/auth"
)

// chi passes the root's NotFound and MethodNotAllowed on only to a
// *chi.Mux it mounts itself, not to one mounted as auth.Conceal(sub): such
// a subrouter, with none of its own, answered a method its concealed route
// does not serve with chi's 405, whose Allow named the route's methods, and
// an unknown path with chi's text 404. It answers both as the root's 404.
// A handler of its own that it was given stays.
func TestAConcealedSubrouterWithoutHandlersOfItsOwnAnswersLikeTheRoot(t *testing.T) {
	keys := adminKeys(t)
	r := concealRoot()
	sub := chi.NewRouter()
	sub.With(auth.Authenticate(auth.APIKey(keys))).
		Put("/flags", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Mount("/admin", auth.Conceal(sub))
	own := chi.NewRouter()
	own.NotFound(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	own.Get("/x", func(http.ResponseWriter, *http.Request) {})
	r.Mount("/own", auth.Conceal(own))

	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, "/admin/flags"},
		{http.MethodDelete, "/admin/flags"},
		{http.MethodPut, "/admin/flags"},
		{http.MethodGet, "/admin/nothing"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := send(r, tt.method, tt.path, "X-Request-Id", "req-1")
			if rec.Header().Get("Allow") != "" {
				t.Errorf("Allow %q", rec.Header().Get("Allow"))
			}
			sameAsNotFound(t, r, rec)
		})
	}
	if rec := send(r, http.MethodPut, "/admin/flags", "Authorization", "ApiKey admin-key"); rec.Code != http.StatusNoContent {
		t.Errorf("the admin: %d %s", rec.Code, rec.Body)
	}
	if rec := send(r, http.MethodGet, "/own/nothing"); rec.Code != http.StatusTeapot {
		t.Errorf("a subrouter's own NotFound: %d %s", rec.Code, rec.Body)
	}
}
