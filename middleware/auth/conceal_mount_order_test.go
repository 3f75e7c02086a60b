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
// after: the NotFound and MethodNotAllowed it is given then are those
// Conceal judges, so that a method its concealed route does not serve is
// answered as an unknown path there, whatever the order of the calls.
func TestAConcealedSubrouterSetUpAfterItIsMountedAnswersAsItsNotFound(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "admin-key", ClientID: "admin", Scopes: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler)
	r.NotFound(middleware.NotFound)
	sub := chi.NewRouter()
	r.Mount("/admin", auth.Conceal(sub))
	sub.NotFound(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	sub.MethodNotAllowed(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "PUT")
		w.WriteHeader(http.StatusMethodNotAllowed)
	})
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
	if unknown.Code != http.StatusTeapot {
		t.Errorf("an unknown path: %d, want the subrouter's own NotFound", unknown.Code)
	}
}
