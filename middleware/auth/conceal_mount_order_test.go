package auth_test

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// A subrouter is often mounted as auth.Conceal(sub) first and set up
// after: a NotFound or MethodNotAllowed given to it then does not undo
// Conceal, and a method its concealed route does not serve is answered as
// an unknown path there, whatever the order of the calls. It answered
// with the NotFound Conceal found, beside the one given after, or with
// the MethodNotAllowed given after, Allow and all.
func TestAConcealedSubrouterSetUpAfterItIsMountedAnswersAsItsNotFound(t *testing.T) {
	keys := adminKeys(t)
	teapot := func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }
	allowPut := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "PUT")
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
	for name, setUp := range map[string]func(sub *chi.Mux){
		"NotFound after":                   func(sub *chi.Mux) { sub.NotFound(teapot) },
		"MethodNotAllowed after":           func(sub *chi.Mux) { sub.MethodNotAllowed(allowPut) },
		"NotFound, MethodNotAllowed after": func(sub *chi.Mux) { sub.NotFound(teapot); sub.MethodNotAllowed(allowPut) },
	} {
		t.Run(name, func(t *testing.T) {
			r := chi.NewRouter()
			r.Use((&problem.Writer{}).Handler)
			r.NotFound(middleware.NotFound)
			sub := chi.NewRouter()
			r.Mount("/admin", auth.Conceal(sub))
			setUp(sub)
			sub.With(auth.Authenticate(auth.APIKey(keys))).
				Put("/flags", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })

			unknown := send(r, http.MethodDelete, "/admin/nothing")
			for _, method := range []string{http.MethodDelete, http.MethodGet} {
				rec := send(r, method, "/admin/flags")
				if rec.Code != unknown.Code || rec.Header().Get("Allow") != "" || rec.Body.String() != unknown.Body.String() {
					t.Errorf("%s /admin/flags: %d, Allow %q, %q; an unknown path: %d %q",
						method, rec.Code, rec.Header().Get("Allow"), rec.Body, unknown.Code, unknown.Body)
				}
			}
			if rec := send(r, http.MethodPut, "/admin/flags", "Authorization", "ApiKey admin-key"); rec.Code != http.StatusNoContent {
				t.Errorf("the admin: %d %s", rec.Code, rec.Body)
			}
		})
	}
}
