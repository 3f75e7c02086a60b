package contracttest_test

import (
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// chi serves a subrouter's "/" route at its mount's path both with and
// without the trailing slash: a document may spell it either way.
func TestCompareTakesTheMountPathWithASlash(t *testing.T) {
	r := chi.NewRouter()
	r.Route("/clouds", func(r chi.Router) {
		r.Get("/", ok)
		r.Get("/{id}", ok)
	})
	for _, p := range []string{"/clouds", "/clouds/"} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		if w.Code != 200 {
			t.Fatalf("GET %s: %d", p, w.Code)
		}
	}
	op := `{"get": {"responses": {"200": {"description": "x"}, "405": {"description": "x"}}}}`
	doc := `{"openapi": "3.1.0", "paths": {"/clouds/": ` + op + `, "/clouds/{id}": ` + op + `}}`
	diffs, err := contracttest.Diff(contract.Of(r), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Errorf("diffs %q for a document that agrees", diffs)
	}
	// A route of its own with a trailing slash is not the one without.
	r2 := chi.NewRouter()
	r2.Get("/items", ok)
	diffs, _ = contracttest.Diff(contract.Of(r2), []byte(`{"paths": {"/items/": `+op+`}}`))
	if len(diffs) != 2 {
		t.Errorf("diffs %q, want /items missing and /items/ unserved", diffs)
	}
}
