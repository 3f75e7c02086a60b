package auth_test

import (
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// adminKeys holds one API key, "admin-key", of the app "admin" with the
// scope "admin".
func adminKeys(t *testing.T) *auth.APIKeys {
	t.Helper()
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "admin-key", ClientID: "admin", Scopes: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// concealRoot is the root router of the concealment tests: a problem
// writer, request IDs, chiguard's 404 and 405.
func concealRoot() *chi.Mux {
	r := chi.NewRouter()
	r.Use((&problem.Writer{}).Handler, middleware.RequestID)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	return r
}
