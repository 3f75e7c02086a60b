package contract_test

import (
	"encoding/json"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/problem"
)

// A problem type whose problems always carry a member, and that gives no
// Example, must not get an example its own schema rejects.
func TestOpenAPIIsValidWithAProblemTypeThatAlwaysCarriesAMember(t *testing.T) {
	c := problem.NewCatalog(base)
	c.MustRegister(problem.DefaultTypes()...)
	c.MustRegister(problem.Type{Slug: "out-of-credit", Status: 403, Title: "Out of credit", Description: "The account is spent.",
		Members: []problem.Member{{Name: "balance", Schema: `{"type":"number"}`, Always: true}}})
	r := newRoot(&problem.Writer{Catalog: c})
	r.With(contract.Declare(contract.Response{Status: 403, Type: "out-of-credit"})).Get("/pay", ok)
	doc, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "Members", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	loadOpenAPI(t, doc)
}
