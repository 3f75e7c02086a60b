package contracttest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

type newExport struct {
	Format string `json:"format" validate:"required"`
}

// exportRouter reads a typed path parameter and a JSON body, and answers
// in two media types.
func exportRouter() chi.Router {
	catalog := problem.NewCatalog("/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: catalog}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.With(middleware.Negotiate("application/json", "text/csv"), bind.ValidatePath[int64]("cloudPk"),
		bind.Body[newExport](nil), contract.Declare(contract.Response{Status: 201})).
		Post("/cloud/{cloudPk}/exports", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	return r
}

// exportDoc agrees with exportRouter: the 201 in both media types, every
// problem as application/problem+json (a $ref and a range included), and
// the body and parameter as the router reads them. The 500 has no content
// and so says nothing of its media type.
const exportDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "components": {
    "responses": {"BadRequest": {"description": "x", "content": {"application/problem+json; charset=utf-8": {}}}},
    "requestBodies": {"NewExport": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}}
  },
  "paths": {
    "/cloud/{id}/exports": {
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "post": {
        "requestBody": {"$ref": "#/components/requestBodies/NewExport"},
        "responses": {
          "201": {"description": "x", "content": {"application/json": {}, "text/csv": {}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "4XX": {"description": "x", "content": {"application/*": {}}},
          "500": {"description": "x"}
        }
      }
    }
  }
}`

func TestCompareHoldsMediaTypesBodiesAndParameterTypes(t *testing.T) {
	f := &fakeTB{}
	contracttest.Compare(f, exportRouter(), []byte(exportDoc))
	if len(f.errors) > 0 {
		t.Fatalf("Compare failed on a document that agrees: %v", f.errors)
	}
	const route = "POST /cloud/{id}/exports: "
	tests := []struct {
		name, old, new string
		want           []string
	}{
		{"a success media type the document omits",
			`"text/csv": {}`, `"text/plain": {}`,
			[]string{route + "the router answers 201 as text/csv; the document lists it as application/json, text/plain only"}},
		{"a problem documented as plain JSON",
			`"application/problem+json; charset=utf-8": {}`, `"application/json": {}`,
			[]string{route + "the router answers 400 as application/problem+json; the document lists it as application/json only"}},
		{"a range of another type",
			`"application/*": {}`, `"text/*": {}`,
			[]string{route + "the router answers 406 as application/problem+json; the document lists it as text/* only",
				route + "the router answers 413 as application/problem+json; the document lists it as text/* only",
				route + "the router answers 415 as application/problem+json; the document lists it as text/* only"}},
		{"a body the document does not describe",
			`"requestBody": {"$ref": "#/components/requestBodies/NewExport"},`, ``,
			[]string{route + "the router reads a request body (application/json, from bind.Body); the document describes none"}},
		{"a body in another media type",
			`"content": {"application/json": {"schema": {"type": "object"}}}`, `"content": {"application/xml": {}}`,
			[]string{route + "the router reads a request body as application/json; the document's body is application/xml",
				route + "the document's request body may be application/xml; the router refuses it with a 415 and reads only application/json"}},
		{"a parameter of another type",
			`"schema": {"type": "integer"}`, `"schema": {"type": "string"}`,
			[]string{route + "path parameter {id} is an integer to the router (bind.ValidatePath), a string in the document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(exportDoc, tt.old, tt.new, 1)
			if doc == exportDoc {
				t.Fatal("the edit changed nothing")
			}
			f := &fakeTB{}
			contracttest.Compare(f, exportRouter(), []byte(doc))
			if len(f.errors) != 1 {
				t.Fatalf("Compare reported %q, want one list", f.errors)
			}
			for _, w := range tt.want {
				if !strings.Contains(f.errors[0], "\n  "+w) {
					t.Errorf("Compare reported %q, want a list holding %q", f.errors[0], w)
				}
			}
			if n := strings.Count(f.errors[0], "\n  "); n != len(tt.want) {
				t.Errorf("Compare reported %d disagreements, want %d: %q", n, len(tt.want), f.errors[0])
			}
		})
	}
}

// The media types a document's body has and the router refuses are
// listed in one order, run after run.
func TestCompareListsABodysRefusedMediaTypesInOrder(t *testing.T) {
	doc := strings.Replace(exportDoc, `"content": {"application/json": {"schema": {"type": "object"}}}`,
		`"content": {"application/json": {}, "text/plain": {}, "application/xml": {}, "text/csv": {}, "image/png": {}}`, 1)
	const route = "POST /cloud/{id}/exports: the document's request body may be "
	const refused = "; the router refuses it with a 415 and reads only application/json"
	want := []string{route + "application/xml" + refused, route + "image/png" + refused,
		route + "text/csv" + refused, route + "text/plain" + refused}
	for range 20 {
		diffs, err := contracttest.Diff(contract.Of(exportRouter()), []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(diffs, want) {
			t.Fatalf("diffs %q, want %q", diffs, want)
		}
	}
}

// bind.Body reads any application/*+json body as JSON: a document whose
// PATCH takes application/merge-patch+json agrees with it.
func TestCompareTakesABodyInAJSONSuffixTypeAsRead(t *testing.T) {
	doc := strings.Replace(exportDoc, `"content": {"application/json": {"schema": {"type": "object"}}}`,
		`"content": {"application/json": {}, "application/merge-patch+json": {}}`, 1)
	diffs, err := contracttest.Diff(contract.Of(exportRouter()), []byte(doc))
	if err != nil || len(diffs) > 0 {
		t.Errorf("Diff = %q, %v; want no disagreement", diffs, err)
	}
}

// A path parameter's schema may name its type in a list (OpenAPI 3.1),
// through a $ref to components.schemas, or in the media type of its
// content instead of a schema: the type is compared all the same.
func TestCompareReadsAPathParametersTypeInAListOrARef(t *testing.T) {
	const param = `"schema": {"type": "integer"}`
	const wrong = "POST /cloud/{id}/exports: path parameter {id} is an integer to the router (bind.ValidatePath), a string in the document"
	for _, tt := range []struct {
		name, schema string
		want         []string
	}{
		{"a list with null", `"schema": {"type": ["integer", "null"]}`, nil},
		{"a list of another type", `"schema": {"type": ["string", "null"]}`, []string{wrong}},
		{"a ref", `"schema": {"$ref": "#/components/schemas/CloudId"}`, nil},
		{"a ref to another type", `"schema": {"$ref": "#/components/schemas/Name"}`, []string{wrong}},
		{"content", `"content": {"application/json": {"schema": {"type": "integer"}}}`, nil},
		{"content of another type", `"content": {"application/json": {"schema": {"type": "string"}}}`, []string{wrong}},
		{"content with a ref to another type", `"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Name"}}}`, []string{wrong}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(exportDoc, param, tt.schema, 1)
			doc = strings.Replace(doc, `"components": {`,
				`"components": {"schemas": {"CloudId": {"type": "integer", "format": "int64"}, "Name": {"type": "string"}},`, 1)
			diffs, err := contracttest.Diff(contract.Of(exportRouter()), []byte(doc))
			if err != nil || !slices.Equal(diffs, tt.want) {
				t.Errorf("Diff = %q, %v; want %q", diffs, err, tt.want)
			}
		})
	}
}

// A success written in media types of its own, as the docs pages are,
// is held to them, not to those Negotiate offers.
func TestCompareHoldsTheMediaTypesAHandlerWrites(t *testing.T) {
	r := chi.NewRouter()
	r.Use((&problem.Writer{}).Handler, middleware.Recoverer)
	r.Method(http.MethodGet, "/routes", contract.RoutesHandler(r))
	doc := func(content string) []byte {
		return []byte(`{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/routes": {"get": {"responses": {
			"200": {"description": "x", "content": {` + content + `}},
			"405": {"description": "x"}, "406": {"description": "x"}, "500": {"description": "x"}}}}}}`)
	}
	if diffs, err := contracttest.Diff(contract.Of(r), doc(`"text/html": {}, "text/markdown": {}`)); err != nil || len(diffs) > 0 {
		t.Errorf("a document that agrees: %q %v", diffs, err)
	}
	want := "GET /routes: the router answers 200 as text/markdown; the document lists it as text/html only"
	if diffs, _ := contracttest.Diff(contract.Of(r), doc(`"text/html": {}`)); !slices.Contains(diffs, want) {
		t.Errorf("a document without the Markdown page: %q, want %q", diffs, want)
	}
}
