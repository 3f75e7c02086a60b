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

// A server URL with a path ("https://api.example.com/v1", or "/v1") is
// where the router's patterns start: OpenAPI appends the document's
// paths to it, so they leave it out, and a route outside it is served
// from the URL's origin. The document is valid, and the router agrees
// with it.
func TestOpenAPIPathsAreBelowTheServersPath(t *testing.T) {
	r := newRoot(&problem.Writer{})
	r.Get("/v1/clouds", ok)
	r.Get("/v1/", ok)
	r.Get("/v1", ok) // the server's URL itself: no path below it
	r.Get("/healthz", ok)
	r.Get("/v10/other", ok) // starts with "/v1" but is not below it
	c := contract.Of(r)
	for _, tc := range []struct {
		name   string
		server problem.OpenAPIServer
	}{
		{"absolute", problem.OpenAPIServer{URL: "https://api.example.com/v1"}},
		{"trailing slash", problem.OpenAPIServer{URL: "https://api.example.com/v1/"}},
		{"relative", problem.OpenAPIServer{URL: "/v1"}},
		{"with variables", problem.OpenAPIServer{URL: "https://{env}.example.com/{version}",
			Variables: map[string]problem.OpenAPIServerVariable{"env": {Default: "api", Enum: []string{"api", "staging"}}, "version": {Default: "v1"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Servers", Version: "1", Servers: []problem.OpenAPIServer{tc.server}}))
			if err != nil {
				t.Fatal(err)
			}
			d := loadOpenAPI(t, doc)
			for path, own := range map[string]bool{"/clouds": false, "/": false, "/v1": true, "/healthz": true, "/v10/other": true} {
				item := d.Paths.Find(path)
				if item == nil {
					t.Errorf("the document has no path %s: %v", path, d.Paths.InMatchingOrder())
					continue
				}
				if got := len(item.Servers) > 0; got != own {
					t.Errorf("%s has servers of its own: %v, want %v", path, got, own)
				}
			}
			if diffs, err := contracttest.Diff(c, doc); err != nil || len(diffs) > 0 {
				t.Errorf("the router disagrees with its own document: %q %v", diffs, err)
			}
		})
	}
}
