package contract_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/problem"
)

// Every server serves the router's patterns: one whose URL has another
// path than the first one's, or none, is documented where the routes
// are, so that each server's URL and each path of the document make a
// URL the router serves.
func TestOpenAPIEveryServerReachesTheRoutes(t *testing.T) {
	r := newRoot(&problem.Writer{})
	r.Get("/v1/clouds/{id}", ok)
	r.Get("/healthz", ok)
	c := contract.Of(r)
	for _, servers := range [][]problem.OpenAPIServer{
		{{URL: "https://api.example.com/v1", Description: "production"}, {URL: "http://localhost:8080", Description: "local"}},
		{{URL: "https://api.example.com/v1"}, {URL: "https://staging.example.com/v2"}, {URL: "/v1"}},
		{{URL: "http://localhost:8080"}, {URL: "https://api.example.com/v1"}},
		{{URL: "https://{env}.example.com/v1", Variables: map[string]problem.OpenAPIServerVariable{"env": {Default: "api"}}},
			{URL: "https://other.example.com/v1"}},
	} {
		doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Servers", Version: "1", Servers: servers}))
		if err != nil {
			t.Fatal(err)
		}
		d := loadOpenAPI(t, doc)
		reached := map[string]bool{}
		for path, item := range d.Paths.Map() {
			ss := item.Servers
			if len(ss) == 0 {
				ss = d.Servers
			}
			for _, s := range ss {
				u := serverURL(s) + strings.ReplaceAll(path, "{id}", "1")
				p, err := url.Parse(u)
				if err != nil {
					t.Fatalf("%s: %v", u, err)
				}
				reached[p.Host] = true
				if !r.Match(chi.NewRouteContext(), "GET", p.Path) {
					t.Errorf("servers %v: the document has GET %s, where the router serves no route", servers, u)
				}
			}
		}
		for _, s := range servers {
			if p, _ := url.Parse(serverURL(&openapi3.Server{URL: s.URL, Variables: variables(s)})); !reached[p.Host] {
				t.Errorf("servers %v: no path is at %s", servers, s.URL)
			}
		}
		if diffs, err := contracttest.Diff(c, doc); err != nil || len(diffs) > 0 {
			t.Errorf("servers %v: the router disagrees with its own document: %q %v", servers, diffs, err)
		}
	}
}

// serverURL is the URL of s with its variables at their defaults.
func serverURL(s *openapi3.Server) string {
	u := s.URL
	for name, v := range s.Variables {
		u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
	}
	return strings.TrimSuffix(u, "/")
}

func variables(s problem.OpenAPIServer) map[string]*openapi3.ServerVariable {
	out := map[string]*openapi3.ServerVariable{}
	for name, v := range s.Variables {
		out[name] = &openapi3.ServerVariable{Default: v.Default}
	}
	return out
}
