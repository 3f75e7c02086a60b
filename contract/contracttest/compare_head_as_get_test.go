package contracttest_test

import (
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware"
)

// HeadAsGet serves HEAD only from the root router's Use, before chi
// routes; on the route itself chi has answered HEAD with a 405 before it
// runs. A document's HEAD of that route names an operation the router
// does not serve.
func TestCompareServesHeadOnlyWhereHeadAsGetRunsBeforeRouting(t *testing.T) {
	op := `{"responses": {"200": {"description": "x"}, "405": {"description": "x"}}}`
	doc := `{"openapi": "3.1.0", "paths": {"/x": {"get": ` + op + `, "head": ` + op + `}}}`

	root := chi.NewRouter()
	root.Use(middleware.HeadAsGet)
	root.Get("/x", ok)
	inline := chi.NewRouter()
	inline.With(middleware.HeadAsGet).Get("/x", ok)

	for _, tt := range []struct {
		name   string
		r      *chi.Mux
		status int
		diffs  int
	}{{"on the root", root, 200, 0}, {"on the route", inline, 405, 1}} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.r.ServeHTTP(w, httptest.NewRequest("HEAD", "/x", nil))
			if w.Code != tt.status {
				t.Fatalf("HEAD /x: %d, want %d", w.Code, tt.status)
			}
			diffs, err := contracttest.Diff(contract.Of(tt.r), []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(diffs) != tt.diffs {
				t.Errorf("diffs %q, want %d", diffs, tt.diffs)
			}
		})
	}
}
