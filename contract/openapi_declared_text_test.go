package contract_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// What a handler declares of its answers is what the OpenAPI document
// says of them: a declared 404 problem keeps its own words next to the
// catalog's, and a declared success in Negotiate's media types lists them.
func TestOpenAPIKeepsWhatTheHandlerDeclares(t *testing.T) {
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler)
	r.With(middleware.Negotiate("application/json", "text/csv"),
		contract.Declare(contract.Response{Status: 200, Description: "The cloud."},
			contract.Response{Status: 404, Type: problem.TypeNotFound, Description: "No such cloud."},
			contract.Response{Status: 400, Type: problem.TypeBadRequest, Description: "The limit is not an integer."})).
		Get("/clouds/{id}", func(http.ResponseWriter, *http.Request) {})
	b, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "t", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Description string                     `json:"description"`
				Content     map[string]json.RawMessage `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/clouds/{id}"]["get"]
	if d := op.Responses["404"].Description; !strings.Contains(d, "No such cloud") {
		t.Errorf("the 404 says %q, not what the handler declares", d)
	}
	for code, resp := range op.Responses {
		if strings.Contains(resp.Description, "..") {
			t.Errorf("%s: %q", code, resp.Description)
		}
	}
	ok := op.Responses["200"]
	if _, json := ok.Content["application/json"]; !json || len(ok.Content) != 2 {
		t.Errorf("the 200 lists content %v, want Negotiate's two media types", ok.Content)
	}
}
