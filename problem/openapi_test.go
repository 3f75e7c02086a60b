package problem_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/problem"
	"github.com/getkin/kin-openapi/openapi3"
)

// loadOpenAPI marshals doc and has kin-openapi load and validate it.
func loadOpenAPI(t *testing.T, doc *problem.OpenAPI) (*openapi3.T, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	return spec, m
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

func TestOpenAPIIsAStandaloneDocument(t *testing.T) {
	c := defaultCatalog(t)
	spec, raw := loadOpenAPI(t, c.OpenAPI())
	if !strings.HasPrefix(spec.OpenAPI, "3.1") || spec.Info.Title == "" || spec.Info.Version == "" {
		t.Errorf("openapi %q, info %+v", spec.OpenAPI, spec.Info)
	}
	if paths, ok := raw["paths"].(map[string]any); !ok || len(paths) != 0 {
		t.Errorf("paths: %v", raw["paths"])
	}
	if dig(raw, "components", "schemas", "Problem", "additionalProperties") != true {
		t.Error("the Problem schema does not keep extension members")
	}
	for _, ty := range c.Types() {
		overlay := dig(raw, "components", "schemas", ty.Slug, "allOf").([]any)[1]
		status := dig(overlay, "properties", "status").(map[string]any)
		typ := dig(overlay, "properties", "type").(map[string]any)
		if status["type"] != "integer" || status["const"] != float64(ty.Status) ||
			typ["type"] != "string" || typ["const"] != c.URI(ty) {
			t.Errorf("%s: status %v, type %v", ty.Slug, status, typ)
		}
		for _, m := range ty.Members {
			if dig(overlay, "properties", m.Name) == nil {
				t.Errorf("%s: the schema lacks member %s", ty.Slug, m.Name)
			}
		}
	}
	headers := map[string][]string{
		problem.TypeUnauthorized:         {"WWW-Authenticate"},
		problem.TypeForbidden:            {"WWW-Authenticate"},
		problem.TypeMethodNotAllowed:     {"Allow"},
		problem.TypeUnsupportedMediaType: {"Accept"},
		problem.TypeQuotaExceeded:        {"Retry-After", "RateLimit", "RateLimit-Policy"},
		problem.TypeBadGateway:           {"Retry-After"},
		problem.TypeServiceUnavailable:   {"Retry-After"},
	}
	for slug, names := range headers {
		resp := spec.Components.Responses[slug]
		for _, n := range names {
			if h := resp.Value.Headers[n]; h == nil || h.Value == nil || h.Value.Schema == nil {
				t.Errorf("%s: header %s is not documented", slug, n)
			}
		}
	}
	if h := spec.Components.Responses[problem.TypeUnauthorized].Value.Headers["WWW-Authenticate"]; !h.Value.Required {
		t.Error("401's WWW-Authenticate is not required")
	}
	if s := spec.Components.Responses[problem.TypeQuotaExceeded].Value.Headers["Retry-After"].Value.Schema.Value; !s.Type.Is("integer") {
		t.Errorf("Retry-After is a %v", s.Type)
	}
}

// Every example, in the document and on the docs pages, and every body the
// writer sends for a type, validates against that type's schema; a body of
// another type does not.
func TestOpenAPISchemasMatchTheWriter(t *testing.T) {
	c := defaultCatalog(t)
	c.MustRegister(problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked", Description: "An export holds the cloud.",
		Members: []problem.Member{{Name: "export", Schema: `{"type":"integer"}`, Always: true}},
		Example: problem.New(409, "Cloud 1 is being exported.").With("export", 7)})
	spec, _ := loadOpenAPI(t, c.OpenAPI())
	schemaOf := func(slug string) *openapi3.Schema {
		return spec.Components.Responses[slug].Value.Content.Get("application/problem+json").Schema.Value
	}
	validates := func(slug string, body []byte) error {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		return schemaOf(slug).VisitJSON(v, openapi3.EnableJSONSchema2020())
	}
	pages := pageExamples(t, docsRouter(c), c)
	pw := &problem.Writer{Catalog: c, Logger: slog.New(slog.DiscardHandler)}
	for _, ty := range c.Types() {
		ex, _ := json.Marshal(spec.Components.Responses[ty.Slug].Value.Content.Get("application/problem+json").Example)
		if err := validates(ty.Slug, ex); err != nil {
			t.Errorf("%s: the document's example fails its schema: %v", ty.Slug, err)
		}
		if err := validates(ty.Slug, pages[ty.Slug]); err != nil {
			t.Errorf("%s: the page's example fails its schema: %v\n%s", ty.Slug, err, pages[ty.Slug])
		}
		p := &problem.Problem{Type: ty.Slug, Detail: "d"}
		if ty.Example != nil {
			p = ty.Example.WithDetail("d")
			p.Type = ty.Slug
		}
		w := httptest.NewRecorder()
		pw.Write(w, httptest.NewRequest("GET", "/things", nil), p)
		if err := validates(ty.Slug, w.Body.Bytes()); err != nil {
			t.Errorf("%s: body %s fails its schema: %v", ty.Slug, w.Body, err)
		}
	}
	mismatches := []struct {
		slug string
		p    *problem.Problem
	}{
		{problem.TypeConflict, problem.NotFound("")},
		{problem.TypeQuotaExceeded, problem.QuotaExceeded("no violated-policies")},
		{"cloud-locked", problem.New(409, "").With("export", "seven")},
	}
	for _, m := range mismatches {
		w := httptest.NewRecorder()
		pw.Write(w, httptest.NewRequest("GET", "/", nil), m.p)
		if validates(m.slug, w.Body.Bytes()) == nil {
			t.Errorf("the %s schema accepts %s", m.slug, w.Body)
		}
	}
}

// Route contracts will add paths that refer to the catalog's responses.
func TestOpenAPIPathsReferToTheResponses(t *testing.T) {
	doc := defaultCatalog(t).OpenAPI()
	doc.Info = problem.OpenAPIInfo{Title: "Things API", Version: "2.0.0"}
	ref, ok := doc.ResponseRef(problem.TypeNotFound)
	if !ok || ref != "#/components/responses/not-found" {
		t.Fatalf("ResponseRef = %q %v", ref, ok)
	}
	if _, ok := doc.ResponseRef("nope"); ok {
		t.Error("ResponseRef of an unknown slug")
	}
	doc.Paths["/things/{id}"] = map[string]any{"get": map[string]any{
		"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}},
		"responses":  map[string]any{"200": map[string]any{"description": "The thing."}, "404": map[string]any{"$ref": ref}},
	}}
	spec, _ := loadOpenAPI(t, doc)
	op := spec.Paths.Find("/things/{id}").Get
	if r := op.Responses.Status(404); r == nil || r.Value == nil || !strings.HasPrefix(*r.Value.Description, "Not Found.") {
		t.Errorf("the 404 of the path does not resolve: %+v", r)
	}
	if spec.Info.Title != "Things API" {
		t.Errorf("info %+v", spec.Info)
	}
}

// A header field name may hold characters ("!", "#", "'", ...) that the
// name of an OpenAPI component may not; the document stays valid and each
// response still refers to its own header.
func TestOpenAPIHeaderNamesBeyondComponentNames(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	c.MustRegister(problem.Type{Slug: "odd-headers", Status: 400, Title: "Odd Headers",
		Headers: []problem.Header{{Name: "X-Weird!", Description: "one"}, {Name: "X-Weird#", Description: "two"},
			{Name: "X_Weird", Description: "three"}}})
	spec, _ := loadOpenAPI(t, c.OpenAPI())
	hs := spec.Components.Responses["odd-headers"].Value.Headers
	for name, want := range map[string]string{"X-Weird!": "one", "X-Weird#": "two", "X_Weird": "three"} {
		if h := hs[name]; h == nil || h.Value == nil || h.Value.Description != want {
			t.Errorf("header %s: %+v", name, h)
		}
	}
}

// A slug that is the name of a package schema ("Problem") is renamed, and
// the new name is no other type's: every response keeps its own schema.
func TestOpenAPISchemaNamesOfSlugsStayApart(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	c.MustRegister(problem.Type{Slug: "Problem", Status: 500, Title: "P"},
		problem.Type{Slug: "Problem-problem", Status: 501, Title: "PP"},
		problem.Type{Slug: "FieldError", Status: 400, Title: "F"})
	spec, _ := loadOpenAPI(t, c.OpenAPI())
	seen := map[string]string{}
	for _, ty := range c.Types() {
		ref := spec.Components.Responses[ty.Slug].Value.Content.Get("application/problem+json").Schema.Ref
		if other, dup := seen[ref]; dup {
			t.Errorf("%s and %s share the schema %s", other, ty.Slug, ref)
		}
		seen[ref] = ty.Slug
	}
}
