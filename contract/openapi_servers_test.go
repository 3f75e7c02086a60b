package contract_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/problem"
)

// The catalog's base is where the problem docs are, which may be another
// host than the API's (a docs site): Info.Servers says where the API is,
// and the document's paths stay the router's, under each server.
func TestOpenAPIServersAreInfosOrTheCatalogsOrigin(t *testing.T) {
	catalog := problem.NewCatalog("https://docs.example.com/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	r := newRoot(&problem.Writer{Catalog: catalog})
	r.Get("/v1/clouds", ok)
	c := contract.Of(r)
	for _, tc := range []struct {
		servers []problem.OpenAPIServer
		want    []string
	}{
		{nil, []string{"https://docs.example.com"}},
		{[]problem.OpenAPIServer{{URL: "https://api.example.com"}}, []string{"https://api.example.com"}},
		{[]problem.OpenAPIServer{{URL: "https://api.example.com", Description: "production"}, {URL: "http://localhost:8080"}},
			[]string{"https://api.example.com", "http://localhost:8080"}},
	} {
		doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Servers", Version: "1", Servers: tc.servers}))
		if err != nil {
			t.Fatal(err)
		}
		d := loadOpenAPI(t, doc)
		var got []string
		for _, s := range d.Servers {
			got = append(got, s.URL)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Servers %q: the document's servers are %q, want %q", tc.servers, got, tc.want)
		}
		if diffs, err := contracttest.Diff(c, doc); err != nil || len(diffs) > 0 {
			t.Errorf("Servers %q: the router disagrees with its own document: %q %v", tc.servers, diffs, err)
		}
	}
}
