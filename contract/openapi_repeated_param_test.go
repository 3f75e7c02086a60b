package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// chi lets a mount and a route below it name a parameter alike
// ("/users/{id}" and "/posts/{id}"); an OpenAPI path names each of its
// parameters once.
func TestOpenAPINamesApartAParameterAMountAndItsRouteShare(t *testing.T) {
	r := newRoot(writer())
	r.Route("/users/{id}", func(r chi.Router) {
		r.Get("/posts/{id}", ok)
		r.Get("/files/{id_}/*", ok)
	})
	c := contract.Of(r)
	doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Repeated", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	d := loadOpenAPI(t, doc)
	for _, path := range []string{"/users/{id}/posts/{id_}", "/users/{id}/files/{id_}/{path}"} {
		if d.Paths.Find(path) == nil {
			t.Errorf("no path %s in %v", path, d.Paths.InMatchingOrder())
		}
	}
	if diffs, err := contracttest.Diff(c, doc); err != nil || len(diffs) > 0 {
		t.Errorf("the router disagrees with its own document: %q %v", diffs, err)
	}
}
