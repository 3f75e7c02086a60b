package contract_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/problem"
)

// A path item's own servers keep the variables of the server they stand
// for, where its origin has them: the route is served at each value of the
// variable, not only at its default.
func TestOpenAPIItemServersKeepTheirVariables(t *testing.T) {
	r := newRoot(&problem.Writer{})
	r.Get("/v1/clouds/{id}", ok)
	r.Get("/healthz", ok)
	c := contract.Of(r)
	env := map[string]problem.OpenAPIServerVariable{"env": {Default: "api", Enum: []string{"api", "staging"}}}
	region := map[string]problem.OpenAPIServerVariable{"region": {Default: "eu", Enum: []string{"eu", "us"}}}
	port := map[string]problem.OpenAPIServerVariable{"port": {Default: "443", Enum: []string{"443", "8443"}}}
	for _, tt := range []struct {
		servers []problem.OpenAPIServer
		path    string
		want    string
		vars    []string
	}{
		{[]problem.OpenAPIServer{{URL: "https://{env}.example.com/v1", Variables: env}}, "/healthz", "https://{env}.example.com", []string{"env"}},
		{[]problem.OpenAPIServer{{URL: "https://api.example.com/v1"}, {URL: "https://{region}.example.com", Variables: region}},
			"/clouds/{id}", "https://{region}.example.com/v1", []string{"region"}},
		{[]problem.OpenAPIServer{{URL: "https://api.example.com/v1"}, {URL: "https://{region}.example.com", Variables: region}},
			"/healthz", "https://{region}.example.com", []string{"region"}},
		{[]problem.OpenAPIServer{{URL: "https://api.example.com:{port}/v1", Variables: port}}, "/healthz", "https://api.example.com:{port}", []string{"port"}},
	} {
		doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Servers", Version: "1", Servers: tt.servers}))
		if err != nil {
			t.Fatal(err)
		}
		d := loadOpenAPI(t, doc)
		item := d.Paths.Find(tt.path)
		if item == nil {
			t.Fatalf("servers %v: no path %s", tt.servers, tt.path)
		}
		i := slices.IndexFunc(item.Servers, func(s *openapi3.Server) bool { return s.URL == tt.want })
		if i < 0 {
			var got []string
			for _, s := range item.Servers {
				got = append(got, s.URL)
			}
			t.Errorf("servers %v: %s is at %q, want %s among them", tt.servers, tt.path, got, tt.want)
			continue
		}
		s := item.Servers[i]
		var names []string
		for name, v := range s.Variables {
			names = append(names, name)
			if want := tt.servers[len(tt.servers)-1].Variables[name]; v.Default != want.Default || !slices.Equal(v.Enum, want.Enum) {
				t.Errorf("servers %v: %s's variable %s is %v, want %v", tt.servers, tt.path, name, v, want)
			}
		}
		slices.Sort(names)
		if !slices.Equal(names, tt.vars) {
			t.Errorf("servers %v: %s's server %s has the variables %q, want %q", tt.servers, tt.path, s.URL, names, tt.vars)
		}
	}
}
