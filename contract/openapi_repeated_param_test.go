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

// Each of two parameters named alike keeps the regexp of its own pattern.
func TestOfTypesEachParameterOfARepeatedNameByItsOwnRegexp(t *testing.T) {
	r := newRoot(writer())
	r.Route("/users/{id:[0-9]+}", func(r chi.Router) { r.Get("/posts/{id:[a-z]+}", ok) })
	ps := route(t, contract.Of(r), "GET", "/users/{id:[0-9]+}/posts/{id:[a-z]+}").Parameters
	if len(ps) != 2 || string(ps[0].Schema) != `{"pattern":"^[0-9]+$","type":"string"}` ||
		string(ps[1].Schema) != `{"pattern":"^[a-z]+$","type":"string"}` {
		t.Errorf("parameters %+v", ps)
	}
}
