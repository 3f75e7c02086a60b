package contract_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/contract"
)

// OpenAPI holds "/a/{x}" and "/a/{y}" to be one path; chi serves
// "/item/{id:[0-9]+}" and "/item/{slug:[a-z]+}" apart, and "/files/{id}"
// apart from the catch-all "/files/*". The document must stay valid, each
// operation's parameters named as its path's.
func TestOpenAPIMergesPathsThatDifferOnlyByParameterNames(t *testing.T) {
	r := newRoot(writer())
	r.Get("/item/{id:[0-9]+}", ok)
	r.Get("/item/{slug:[a-z]+}", ok)
	r.Get("/files/{id}", ok)
	r.Handle("/files/*", http.HandlerFunc(ok))
	doc, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "Shapes", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	d := loadOpenAPI(t, doc)
	if n := d.Paths.Len(); n != 2 {
		t.Errorf("%d paths, want 2: %v", n, d.Paths.InMatchingOrder())
	}
	for path, item := range d.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				if !strings.Contains(path, "{"+p.Value.Name+"}") {
					t.Errorf("%s %s has the parameter %q", method, path, p.Value.Name)
				}
			}
		}
	}
}
