package contracttest_test

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// Diff lists what Compare fails a test with: here the document forgets
// the 406 of Negotiate and a route, and names one the router lacks.
func ExampleDiff() {
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.With(middleware.Negotiate("application/json")).Get("/cloud", func(http.ResponseWriter, *http.Request) {})
	r.Get("/healthz", func(http.ResponseWriter, *http.Request) {})

	doc := `{"openapi": "3.1.0", "paths": {
	  "/cloud": {"get": {"responses": {"200": {"description": "The clouds."}, "405": {"description": "x"}, "500": {"description": "x"}}}},
	  "/clouds": {"get": {"responses": {"200": {"description": "The clouds."}}}}}}`
	diffs, _ := contracttest.Diff(contract.Of(r), []byte(doc))
	for _, d := range diffs {
		fmt.Println(d)
	}
	// Output:
	// GET /cloud: the router can answer 406 Not Acceptable (/problems/not-acceptable), from middleware.Negotiate; the document omits it
	// - GET /clouds: in the document, not served by the router
	// + GET /healthz: served by the router, missing from the document
}
