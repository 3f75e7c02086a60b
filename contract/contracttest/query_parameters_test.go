package contracttest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

// bind.ValidateQuery makes a route's query parameters part of its
// contract: its 400 is listed (Observe takes it), the OpenAPI document
// and the routes page name them, and Compare holds a hand-written
// document to them.
func TestValidateQueryIsInTheContract(t *testing.T) {
	r := chi.NewRouter()
	r.Use((&problem.Writer{}).Handler)
	r.With(bind.ValidateQuery[int]("limit")).Get("/clouds", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := bind.QueryParam(r, "limit", 20)
		w.Header().Set("X-Limit", string(rune('0'+limit%10)))
	})

	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	for target, want := range map[string]int{"/clouds": 200, "/clouds?limit=5": 200, "/clouds?limit=five": 400, "/clouds?limit=%zz": 400} {
		w := httptest.NewRecorder()
		rec.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != want {
			t.Errorf("%s: %d, want %d", target, w.Code, want)
		}
	}
	f.end()
	if len(f.errors) > 0 {
		t.Errorf("Observe: %v", f.errors)
	}

	c := contract.Of(r)
	rt, _ := c.Route("GET", "/clouds")
	if len(rt.Query) != 1 || rt.Query[0].Name != "limit" || rt.Query[0].In != "query" || !strings.Contains(string(rt.Query[0].Schema), `"integer"`) {
		t.Errorf("Query = %+v", rt.Query)
	}
	var md strings.Builder
	if err := c.WriteMarkdown(&md); err != nil || !strings.Contains(md.String(), "Query parameters: limit (integer).") {
		t.Errorf("the routes page: %v\n%s", err, md.String())
	}
	generated, _ := json.Marshal(c.OpenAPI(contract.Info{Title: "t", Version: "1"}))
	if !strings.Contains(string(generated), `{"in":"query","name":"limit","schema":{"format":"int64"`) {
		t.Errorf("the OpenAPI document names no query parameter limit: %s", generated)
	}
	f = &fakeTB{}
	contracttest.Compare(f, r, generated)
	if len(f.errors) > 0 {
		t.Errorf("Compare on the generated document: %v", f.errors)
	}

	doc := func(params string) []byte {
		return []byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/clouds": {"get": {` + params +
			`"responses": {"200": {"description": "x"}, "400": {"description": "x"}, "405": {"description": "x"}}}}}}`)
	}
	for params, want := range map[string]string{
		``: "GET /clouds: the router checks the query parameter limit (bind.ValidateQuery); the document omits it",
		`"parameters": [{"name": "limit", "in": "query", "schema": {"type": "string"}}],`:                                    "GET /clouds: query parameter limit is an integer to the router (bind.ValidateQuery), a string in the document",
		`"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],`:                                   "",
		`"parameters": [{"name": "limit", "in": "query", "content": {"application/json": {"schema": {"type": "string"}}}}],`: "GET /clouds: query parameter limit is an integer to the router (bind.ValidateQuery), a string in the document",
	} {
		f := &fakeTB{}
		contracttest.Compare(f, r, doc(params))
		switch {
		case want == "" && len(f.errors) > 0:
			t.Errorf("%s: %v", params, f.errors)
		case want != "" && (len(f.errors) != 1 || !strings.Contains(f.errors[0], want)):
			t.Errorf("%s: %q, want %q", params, f.errors, want)
		}
	}
}
