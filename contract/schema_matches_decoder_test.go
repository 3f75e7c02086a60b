package contract_test

// The JSON Schema contract derives for a request body (Route.Body.Schema,
// and the OpenAPI document's requestBody) must describe exactly the
// bodies bind.Body's decoder accepts. These tests decode bodies with the
// decoder and validate them against the derived schema with a JSON Schema
// 2020-12 validator, formats and content asserted, and compare the two
// verdicts: first body by body, for each way they were found to differ,
// then over many bodies made from valid ones by changing, dropping,
// respelling and repeating each member.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/bind"
)

// ---- the harness ----

// fieldError is one of the errors the decoder's 400 lists.
type fieldError struct{ Detail, Pointer string }

// bodyRoute serves bind.Body[T] with d's settings, and its contract.
type bodyRoute struct {
	decode func(body string) (ok bool, errs []fieldError, answer string)
	raw    json.RawMessage // Route.Body.Schema
	schema *jsonschema.Schema
	doc    any // the schema, decoded
}

func routeFor[T any](t testing.TB, d *bind.JSONDecoder) bodyRoute {
	t.Helper()
	r := chi.NewRouter()
	r.With(bind.Body[T](d)).Post("/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := contract.Of(r)
	rt, ok := c.Route("POST", "/")
	if !ok || rt.Body == nil {
		t.Fatal("no body in the route's contract")
	}
	// The OpenAPI document carries the same schema.
	b, err := json.Marshal(c.OpenAPI(contract.Info{Title: "t", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct{ Schema json.RawMessage }
			}
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Paths["/"]["post"].RequestBody.Content["application/json"].Schema; !jsonEqual(got, rt.Body.Schema) {
		t.Fatalf("the OpenAPI document's schema\n%s\nis not the route's\n%s", got, rt.Body.Schema)
	}
	out := bodyRoute{raw: rt.Body.Schema, schema: compileSchema(t, rt.Body.Schema)}
	out.doc, _ = jsonschema.UnmarshalJSON(bytes.NewReader(rt.Body.Schema))
	out.decode = func(body string) (bool, []fieldError, string) {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code == http.StatusNoContent {
			return true, nil, ""
		}
		var p struct{ Errors []fieldError }
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		return false, p.Errors, strconv.Itoa(rec.Code) + " " + rec.Body.String()
	}
	return out
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// compileSchema compiles raw as JSON Schema 2020-12, which also checks it
// against the metaschema, asserting formats and contentEncoding.
func compileSchema(t testing.TB, raw json.RawMessage) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the schema is not JSON: %v\n%s", err, raw)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.AssertContent()
	c.RegisterFormat(&jsonschema.Format{Name: "idn-email", Validate: idnEmail})
	if err := c.AddResource("body.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("body.json")
	if err != nil {
		t.Fatalf("the schema is not valid JSON Schema 2020-12: %v\n%s", err, raw)
	}
	return s
}

// emailFormat asserts format email.
var emailFormat = func() *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	_ = c.AddResource("email.json", map[string]any{"format": "email"})
	return c.MustCompile("email.json")
}()

// idnEmail checks format idn-email, which the validator leaves unchecked:
// an email address (RFC 5321) that may have any Unicode letter where it
// may have an ASCII one (RFC 6531).
func idnEmail(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	return emailFormat.Validate(strings.Map(func(r rune) rune {
		if r >= utf8.RuneSelf && unicode.IsLetter(r) {
			return 'a'
		}
		return r
	}, s))
}

// check validates body against the schema.
func (r bodyRoute) check(body string) error {
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if err != nil {
		return err
	}
	return r.schema.Validate(inst)
}

// agree fails unless the decoder and the schema take or refuse each body
// alike.
func agree[T any](t *testing.T, d *bind.JSONDecoder, bodies ...string) {
	t.Helper()
	r := routeFor[T](t, d)
	for _, b := range bodies {
		ok, _, answer := r.decode(b)
		err := r.check(b)
		switch {
		case ok && err != nil:
			t.Errorf("%T: the decoder takes %s, the schema refuses it: %v\nschema %s", *new(T), b, err, r.raw)
		case !ok && err == nil:
			t.Errorf("%T: the decoder refuses %s (%s), the schema takes it\nschema %s", *new(T), b, answer, r.raw)
		}
	}
}

// ---- body by body ----

type lineItem struct {
	Name string `json:"name" validate:"required"`
	Qty  int    `json:"qty"`
}

type zoned struct {
	Zone string `json:"zone" validate:"oneof=eu us"`
}

// validator checks the tags of struct fields, and of elements only along
// a "dive"; it skips a field tagged "-", and a body that is not a struct.
func TestSchemaChecksOnlyWhatValidatorVisits(t *testing.T) {
	type order struct {
		Items   []lineItem          `json:"items"`
		ByName  map[string]lineItem `json:"byName"`
		Checked []lineItem          `json:"checked" validate:"dive"`
		Skipped zoned               `json:"skipped" validate:"-"`
		Mails   []string            `json:"mails" validate:"dive,email"`
		Grid    [][]int             `json:"grid" validate:"dive,dive,min=1"`
		Labels  map[string]string   `json:"labels" validate:"dive,keys,oneof=a b,endkeys,max=3"`
	}
	agree[order](t, nil,
		`{"items":[{"qty":1}]}`,
		`{"byName":{"x":{"name":""}}}`,
		`{"skipped":{"zone":"asia"}}`,
		`{"checked":[{"name":"x"}]}`,
		`{"checked":[{"qty":1}]}`,
		`{"mails":["a@example.com"]}`,
		`{"mails":["not a mail"]}`,
		`{"grid":[[1,2],[3]]}`,
		`{"grid":[[1,0]]}`,
		`{"labels":{"a":"abc"}}`,
		`{"labels":{"c":"abc"}}`,
		`{"labels":{"a":"abcd"}}`,
	)
	agree[[]lineItem](t, nil, `[{"qty":1}]`, `[{"name":""}]`)
	agree[map[string]lineItem](t, nil, `{"x":{}}`)
}

// ---- over many bodies ----
