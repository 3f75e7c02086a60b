package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/problem"
)

// A route below the server's path and one outside it can be one path
// once the server's path is left out ("/v1/x" and "/x" both "/x", or
// "/v1/{a}" and "/{b}"): they must not share a path item, whose servers
// are the first one's, nor one operation, which would drop the other's.
// Each route is still in the document, under the server it is served
// from, and the router agrees with it.
func TestOpenAPIRoutesThatCollideBelowTheServersPath(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(r chi.Router)
	}{
		{"below first", func(r chi.Router) { r.Get("/v1/x", ok); r.Post("/x", ok) }},
		{"outside first", func(r chi.Router) { r.Post("/x", ok); r.Get("/v1/x", ok) }},
		{"same method", func(r chi.Router) { r.Get("/v1/x", ok); r.Get("/x", ok) }},
		{"same shape", func(r chi.Router) { r.Get("/v1/{a}", ok); r.Delete("/{b}", ok) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoot(&problem.Writer{})
			tc.build(r)
			c := contract.Of(r)
			doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "S", Version: "1",
				Servers: []problem.OpenAPIServer{{URL: "https://api.example.com/v1"}}}))
			if err != nil {
				t.Fatal(err)
			}
			loadOpenAPI(t, doc)
			if diffs, err := contracttest.Diff(c, doc); err != nil || len(diffs) > 0 {
				t.Errorf("the router disagrees with its own document: %q %v", diffs, err)
			}
		})
	}
}
