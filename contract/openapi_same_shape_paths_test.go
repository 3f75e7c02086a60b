package contract_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
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
	c := contract.Of(r)
	doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Shapes", Version: "1"}))
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
	// GET /files/{id} answers 405; the catch-all, first to the path, does
	// not: the operation lists the answers of both.
	if diffs, err := contracttest.Diff(c, doc); err != nil || len(diffs) > 0 {
		t.Errorf("the router disagrees with its own document: %q %v", diffs, err)
	}
}
