package contracttest_test

import (
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// The Paths object may hold specification extensions ("x-" fields) of any
// JSON value: they are not paths.
func TestCompareSkipsTheExtensionsOfPaths(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/clouds", ok)
	doc := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {
	  "x-owner": "team-cloud",
	  "x-routes": {"get": {"responses": {"200": {"description": "x"}}}},
	  "/clouds": {"get": {"responses": {"200": {"description": "x"}, "405": {"description": "x"}}}}}}`
	diffs, err := contracttest.Diff(contract.Of(r), []byte(doc))
	if err != nil || len(diffs) > 0 {
		t.Errorf("Diff = %q, %v; want no disagreement", diffs, err)
	}
}
