package contracttest_test

import (
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// OpenAPI 3.1 lets a path item be a $ref to components.pathItems: its
// operations are the path's, compared like any other.
func TestCompareFollowsPathItemRefs(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/clouds", ok)
	r.Delete("/clouds", ok)
	doc := `{"openapi": "3.1.0",
  "paths": {"/clouds": {"$ref": "#/components/pathItems/Clouds"}},
  "components": {"pathItems": {"Clouds": {
    "get": {"responses": {"200": {"description": "x"}, "405": {"description": "x"}}},
    "delete": {"responses": {"204": {"description": "x"}}}}}}}`
	diffs, err := contracttest.Diff(contract.Of(r), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := "DELETE /clouds: the router can answer 405 Method Not Allowed"
	if len(diffs) != 1 || !strings.HasPrefix(diffs[0], want) {
		t.Errorf("diffs %q, want only %q...", diffs, want)
	}

	_, err = contracttest.Diff(contract.Of(r), []byte(`{"paths": {"/clouds": {"$ref": "#/components/pathItems/Nowhere"}}}`))
	if err == nil {
		t.Error("a dangling $ref is no error")
	}
}

// A path item may be a $ref to another of the document's paths, the way
// OpenAPI 3.0, which has no components.pathItems, shares one.
func TestCompareFollowsPathItemRefsToOtherPaths(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/clouds/{id}", ok)
	r.Get("/v1/clouds/{id}", ok)
	doc := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
	  "/clouds/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
	    "responses": {"200": {"description": "x"}, "405": {"description": "x"}}}},
	  "/v1/clouds/{id}": {"$ref": "#/paths/~1clouds~1%7Bid%7D"}}}`
	diffs, err := contracttest.Diff(contract.Of(r), []byte(doc))
	if err != nil || len(diffs) > 0 {
		t.Errorf("Diff = %q, %v; want no disagreement", diffs, err)
	}
}
