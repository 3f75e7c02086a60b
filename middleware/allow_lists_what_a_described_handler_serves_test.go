package middleware

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
)

// A handler mounted for every method (r.Handle) that says which methods it
// serves, as the problem docs do (GET and HEAD; a 405 of its own for the
// rest), is listed in Allow by those methods only: chi sends a method it
// does not know to the router's 405, whose Allow would otherwise name
// POST, PUT and DELETE, each of which the docs refuse with a 405. A method
// routed to another handler at the same pattern is still listed.
func TestAllowListsWhatADescribedHandlerServes(t *testing.T) {
	docs := problem.NewCatalog("/problems/").DocsHandler()
	r := chi.NewRouter()
	r.Use(HeadAsGet)
	r.NotFound(NotFound)
	r.MethodNotAllowed(MethodNotAllowed)
	r.Handle("/problems", docs)
	r.Handle("/problems/*", docs)
	r.With(Negotiate("text/html")).Handle("/wrapped", docs)
	r.Handle("/docs-and-post", docs)
	r.Post("/docs-and-post", testkit.OK)
	r.Handle("/any", testkit.OK)

	tests := []struct {
		method, path, allow string
	}{
		{"FROB", "/problems", "GET, HEAD"},
		{"FROB", "/problems/not-found", "GET, HEAD"},
		{"FROB", "/wrapped", "GET, HEAD"},
		{"FROB", "/docs-and-post", "GET, HEAD, POST"},
		{"FROB", "/any", "GET, HEAD, POST, PUT, PATCH, DELETE, QUERY, OPTIONS, CONNECT, TRACE"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := testkit.Serve(r, testkit.Request(tt.method, tt.path, ""))
			testkit.Problem(t, rec, http.StatusMethodNotAllowed)
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
