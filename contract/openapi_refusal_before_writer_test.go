package contract_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// A refusal is written by the problem writer installed before the
// middleware that refuses, or by problem.DefaultWriter if there is none:
// the document gives it that writer's type URI, not the route's last
// writer's.
func TestOpenAPIRefusalHasTheTypeOfTheWriterBeforeIt(t *testing.T) {
	m := &middleware.Maintenance{}
	m.Enable(time.Minute)
	r := chi.NewRouter()
	r.Use(middleware.RequestID, m.Handler, writer().Handler, middleware.Recoverer)
	r.NotFound(middleware.NotFound)
	// The route's own writer writes the handler's answers, not those of
	// the middlewares before it.
	other := problem.NewCatalog("https://other.example.com/problems/")
	other.MustRegister(problem.DefaultTypes()...)
	r.With(middleware.Negotiate("application/json"), (&problem.Writer{Catalog: other}).Handler).Get("/x", ok)
	holdAnswer(t, r, httptest.NewRequest("GET", "/x", nil))

	m.Disable()
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("Accept", "text/html")
	holdAnswer(t, r, req)
}
