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
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
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

type BaseFields struct {
	ID   string `json:"id" validate:"required"`
	Kind string `json:"kind"`
}

type ExtraFields struct {
	Ref  string `json:"ref" validate:"required"`
	Note string `json:"note"`
}

// A member left out, or null, leaves its field's zero value, which a tag
// that refuses it (required, min=1, oneof, email, any rule on a pointer
// but the omit ones...) refuses: the member must be sent.
func TestSchemaRequiresMembersWhoseZeroValueFails(t *testing.T) {
	type zeroes struct {
		Size  int      `json:"size" validate:"min=1"`
		Zone  string   `json:"zone" validate:"oneof=eu us"`
		Tags  []string `json:"tags" validate:"min=1"`
		Ratio float64  `json:"ratio" validate:"gt=0"`
		Mail  string   `json:"mail" validate:"email"`
	}
	ok := `{"size":1,"zone":"eu","tags":["a"],"ratio":0.5,"mail":"a@example.com"}`
	agree[zeroes](t, nil, ok,
		`{"zone":"eu","tags":["a"],"ratio":0.5,"mail":"a@example.com"}`,
		`{"size":1,"tags":["a"],"ratio":0.5,"mail":"a@example.com"}`,
		`{"size":1,"zone":"eu","ratio":0.5,"mail":"a@example.com"}`,
		`{"size":1,"zone":"eu","tags":null,"ratio":0.5,"mail":"a@example.com"}`,
		`{"size":1,"zone":"eu","tags":["a"],"mail":"a@example.com"}`,
		`{"size":1,"zone":"eu","tags":["a"],"ratio":0.5}`,
	)
	type pointers struct {
		Limit *int    `json:"limit" validate:"min=1,max=100"`
		Zone  *string `json:"zone" validate:"oneof=eu us"`
		Nil   *int    `json:"nil" validate:"omitnil,min=1"`
		Pick  *string `json:"pick" validate:"omitnil,oneof=a b"`
		Tags  []int   `json:"tags" validate:"omitnil,min=1"`
		Opt   *string `json:"opt"`
	}
	agree[pointers](t, nil, `{"limit":1,"zone":"eu"}`, `{"zone":"eu"}`, `{"limit":null,"zone":"eu"}`, `{"limit":1}`,
		`{"limit":1,"zone":"eu","nil":null,"pick":null,"tags":null}`, `{"limit":1,"zone":"eu","nil":0}`, `{"limit":1,"zone":"eu","tags":[]}`)
	type nested struct {
		Zone zoned  `json:"zone"`
		Opt  *zoned `json:"opt"`
		Omit zoned  `json:"omit" validate:"omitempty"`
	}
	agree[nested](t, nil, `{"zone":{"zone":"eu"}}`, `{}`, `{"zone":{}}`, `{"zone":{"zone":"eu"},"opt":{}}`,
		`{"zone":{"zone":"eu"},"omit":{}}`, `{"zone":{"zone":"eu"},"omit":{"zone":""}}`)
	// The fields of an embedded struct pointer are checked only when the
	// body sends one of them: only then does the decoder allocate it.
	type embedded struct {
		BaseFields
		*ExtraFields
		Name string `json:"name"`
	}
	agree[embedded](t, nil, `{"id":"x"}`, `{}`, `{"id":"x","note":"n"}`, `{"id":"x","note":null}`, `{"id":"x","note":"n","ref":"r"}`)
	// validator's omitzero lets the zero value through.
	type omitzero struct {
		S string   `json:"s" validate:"omitzero,min=3"`
		N int      `json:"n" validate:"omitzero,min=3"`
		L []string `json:"l" validate:"omitzero,min=2"`
	}
	agree[omitzero](t, nil, `{}`, `{"s":"","n":0,"l":[]}`, `{"s":"abc","n":3,"l":["a","b"]}`)
}

// What follows an omitempty applies to a value that is not zero: the
// schema says so, as it says what comes before.
func TestSchemaStatesRulesAfterOmitempty(t *testing.T) {
	type optional struct {
		Mail  string   `json:"mail" validate:"omitempty,email"`
		Zone  string   `json:"zone" validate:"omitempty,oneof=eu us"`
		Code  string   `json:"code" validate:"omitempty,len=3"`
		Ratio float64  `json:"ratio" validate:"omitempty,gt=0,lt=1"`
		Level int      `json:"level" validate:"omitempty,oneof=1 2 3"`
		On    bool     `json:"on" validate:"omitempty,required"`
		Nick  *string  `json:"nick" validate:"omitempty,min=2"`
		Pick  *string  `json:"pick" validate:"omitempty,oneof=a b"`
		Tags  []string `json:"tags" validate:"omitempty,min=2,dive,min=1"`
	}
	type omitzero struct {
		S string   `json:"s" validate:"omitzero,min=3"`
		N int      `json:"n" validate:"omitzero,min=3"`
		L []string `json:"l" validate:"omitzero,min=2"`
		P *string  `json:"p" validate:"omitzero,min=2"`
	}
	agree[omitzero](t, nil, `{}`, `{"s":"","n":0,"l":[],"p":""}`, `{"s":"ab"}`, `{"n":2}`, `{"l":["a"]}`, `{"p":"a"}`,
		`{"s":"abc","n":3,"l":["a","b"],"p":"ab"}`)
	agree[optional](t, nil, `{}`,
		`{"mail":"","zone":"","code":"","ratio":0,"level":0,"on":false,"nick":null,"pick":null,"tags":null}`,
		`{"mail":"a@example.com","zone":"eu","code":"abc","ratio":0.5,"level":2,"on":true,"nick":"ab","pick":"a","tags":["a","b"]}`,
		`{"mail":"not a mail"}`, `{"zone":"asia"}`, `{"code":"ab"}`, `{"ratio":1}`, `{"ratio":-0.5}`, `{"level":4}`,
		`{"nick":""}`, `{"nick":"a"}`, `{"pick":""}`, `{"tags":[]}`, `{"tags":["a"]}`, `{"tags":["a",""]}`)
}

// A number encoding/json cannot store in the field's Go type is refused.
func TestSchemaBoundsNumbersToTheirGoType(t *testing.T) {
	type numbers struct {
		I   int     `json:"i"`
		I64 int64   `json:"i64"`
		U   uint    `json:"u"`
		U64 uint64  `json:"u64"`
		F32 float32 `json:"f32"`
		F64 float64 `json:"f64"`
		Min int8    `json:"min" validate:"min=-1000"`
	}
	agree[numbers](t, nil, `{"i":9223372036854775807,"i64":-9223372036854775808,"u":18446744073709551615,"u64":0,`+
		`"f32":3.4028235e38,"f64":1.7976931348623157e308,"min":-128}`,
		`{"i":9223372036854775808}`, `{"i64":-9223372036854775809}`, `{"u":18446744073709551616}`, `{"u64":18446744073709551616}`,
		`{"f32":3.5e38}`, `{"f32":-3.5e38}`, `{"f64":1e309}`, `{"f64":-1e309}`, `{"min":-129}`)
}

// A `json:",string"` field takes a string that holds the JSON value: its
// validate tags apply to that value, not to the string.
func TestSchemaOfStringEncodedFields(t *testing.T) {
	type quoted struct {
		On   bool   `json:"on,string" validate:"required"`
		Zone string `json:"zone,string" validate:"omitempty,oneof=eu us"`
		ID   int64  `json:"id,string"`
		Age  uint8  `json:"age,string"`
		Ref  *int   `json:"ref,string"`
	}
	agree[quoted](t, nil, `{"on":"true"}`, `{"on":"true","zone":"\"eu\"","id":"-12","age":"255","ref":"7"}`,
		`{"on":"true","ref":null}`, `{"on":"true","ref":"null"}`, `{"on":"true","zone":"eu"}`,
		`{"on":"yes"}`, `{"on":true}`, `{"on":"true","id":"1.5"}`, `{"on":"true","id":"+1"}`, `{"on":"true","age":"256"}`, `{"on":"true","age":"-1"}`)
}

// level decodes itself from text.
type level int

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return errors.New("not a level")
	}
	return nil
}

// The keys of a map are read as its key type reads them.
func TestSchemaOfMapKeys(t *testing.T) {
	type keyed struct {
		Levels map[level]string `json:"levels"`
		Counts map[int]int      `json:"counts"`
		Small  map[int8]int     `json:"small"`
		Ports  map[uint16]int   `json:"ports"`
	}
	agree[keyed](t, nil, `{"levels":{"low":"a","high":"b"}}`,
		`{"counts":{"1":1,"-1":1,"+1":1,"007":1}}`, `{"counts":{"1.5":1}}`, `{"counts":{"x":1}}`,
		`{"small":{"127":1,"-128":1,"+0127":1}}`, `{"small":{"128":1}}`, `{"small":{"-129":1}}`,
		`{"ports":{"65535":1,"00080":1}}`, `{"ports":{"65536":1}}`, `{"ports":{"+1":1}}`, `{"ports":{"-0":1}}`)
}

// encoding/json takes more shapes than the obvious one: a []byte as an
// array of bytes too, a Go array of any length, a json.Number as a
// string; and time.Time reads less than format date-time allows.
func TestSchemaTakesEveryShapeEncodingJSONTakes(t *testing.T) {
	type shapes struct {
		Data  []byte       `json:"data"`
		Pair  [2]int       `json:"pair"`
		Two   [2]string    `json:"two" validate:"dive,oneof=a b"`
		Num   json.Number  `json:"num"`
		At    time.Time    `json:"at"`
		Other fmt.Stringer `json:"other"`
	}
	agree[shapes](t, nil, `{"data":"AAEC","two":["a","b"]}`, `{"data":[0,1,255],"two":["a","b"]}`,
		`{"data":[256],"two":["a","b"]}`, `{"data":"!!","two":["a","b"]}`,
		`{"two":["a","b"]}`, `{"pair":[1],"two":["a","b"]}`, `{"pair":[1,2,3],"two":["a","b"]}`, `{"pair":[1,2,"x"],"two":["a","b"]}`,
		`{"two":["a"]}`, `{}`,
		`{"two":["a","b"],"num":1.5}`, `{"two":["a","b"],"num":"1.5"}`, `{"two":["a","b"],"num":"01"}`, `{"two":["a","b"],"num":true}`,
		`{"two":["a","b"],"at":"2024-01-02T03:04:05Z"}`, `{"two":["a","b"],"at":"2024-01-02t03:04:05z"}`, `{"two":["a","b"],"at":"2016-12-31T23:59:60Z"}`,
		`{"two":["a","b"],"other":null}`, `{"two":["a","b"],"other":{}}`)
}

// validator's email takes Unicode, as format idn-email does (email is
// ASCII only); its url takes an IRI, and its uri a reference with no
// scheme, a path or a network path.
func TestSchemaFormatsTakeWhatValidatorTakes(t *testing.T) {
	type formats struct {
		Mail string `json:"mail" validate:"omitempty,email"`
		Site string `json:"site" validate:"omitempty,url"`
		Ref  string `json:"ref" validate:"omitempty,uri"`
	}
	agree[formats](t, nil, `{"mail":"a@example.com"}`, `{"mail":"é@example.com"}`, `{"mail":"not a mail"}`,
		`{"site":"http://example.com/"}`, `{"site":"http://exämple.com/ü"}`, `{"site":"not a url"}`,
		`{"ref":"urn:x:y"}`, `{"ref":"/path"}`, `{"ref":"//host/x"}`)
}

// ---- over many bodies ----
