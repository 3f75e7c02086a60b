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
	"net/netip"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

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

type sweepScalars struct {
	Name  string  `json:"name" validate:"required,min=2,max=8"`
	Size  int     `json:"size" validate:"gte=1,lte=10"`
	Count int64   `json:"count"`
	Small int8    `json:"small"`
	U     uint    `json:"u"`
	U8    uint8   `json:"u8"`
	F32   float32 `json:"f32"`
	F64   float64 `json:"f64"`
	On    bool    `json:"on"`
	Ratio float64 `json:"ratio" validate:"omitempty,gt=0,lt=1"`
	Zone  string  `json:"zone" validate:"omitempty,oneof=eu us"`
	City  string  `json:"city" validate:"oneof='New York' Paris"`
	Level int     `json:"level" validate:"omitempty,oneof=1 2 3"`
	Code  string  `json:"code" validate:"omitempty,len=3"`
}

type sweepFormats struct {
	Mail string     `json:"mail" validate:"omitempty,email"`
	Site string     `json:"site" validate:"omitempty,url"`
	Ref  string     `json:"ref" validate:"omitempty,uri"`
	ID   string     `json:"id" validate:"omitempty,uuid"`
	At   time.Time  `json:"at"`
	AtP  *time.Time `json:"atp"`
	RM   string     `json:"rm" validate:"required,email"`
	RU   string     `json:"ru" validate:"required,url"`
	RI   string     `json:"ri" validate:"required,uuid"`
}

type sweepPointers struct {
	Limit *int    `json:"limit" validate:"min=1,max=100"`
	Note  *string `json:"note"`
	On    *bool   `json:"on" validate:"required"`
	Opt   *string `json:"opt" validate:"omitempty,min=2"`
	Nil   *int    `json:"nil" validate:"omitnil,min=1"`
	Zone  *string `json:"zone" validate:"oneof=eu us"`
	PP    **int   `json:"pp"`
}

type sweepCollections struct {
	Tags   []string            `json:"tags" validate:"max=3"`
	Req    []string            `json:"req" validate:"required"`
	Items  []lineItem          `json:"items"`
	DItems []lineItem          `json:"ditems" validate:"dive"`
	Labels map[string]string   `json:"labels" validate:"max=2"`
	Counts map[int]int         `json:"counts"`
	Small  map[int8]string     `json:"small"`
	Levels map[level]string    `json:"levels"`
	ByName map[string]lineItem `json:"byname"`
	Pair   [2]int              `json:"pair"`
	Data   []byte              `json:"data"`
	Raw    json.RawMessage     `json:"raw"`
	Any    any                 `json:"any"`
	Emails []string            `json:"emails" validate:"dive,email"`
	Keys   map[string]int      `json:"keys" validate:"dive,keys,min=2,endkeys,min=1"`
}

type sweepEmbedded struct {
	BaseFields
	*ExtraFields
	Name string `json:"name"`
}

type sweepOptions struct {
	Q    int     `json:"q,string"`
	QP   *int    `json:"qp,string"`
	QB   bool    `json:"qb,string" validate:"required"`
	QS   string  `json:"qs,string" validate:"omitempty,oneof=eu us"`
	QF   float64 `json:"qf,string"`
	QM   string  `json:"qm,string" validate:"omitempty,min=3"`
	Skip string  `json:"-"`
	//lint:ignore SA5008 a member named "-" is one of the shapes the schema must describe
	Dash string    `json:"-,"`
	OE   string    `json:"oe,omitempty"`
	OZ   time.Time `json:"oz,omitzero"`
}

type sweepCustom struct {
	Level level      `json:"level"`
	LP    *level     `json:"lp"`
	Addr  netip.Addr `json:"addr"`
	LReq  level      `json:"lreq" validate:"required"`
}

type sweepCross struct {
	Kind   string `json:"kind" validate:"omitempty,oneof=a b"`
	Detail string `json:"detail" validate:"required_if=Kind b"`
	Min    int    `json:"min"`
	Max    int    `json:"max" validate:"gtefield=Min"`
	Pass   string `json:"pass"`
	Again  string `json:"again" validate:"eqfield=Pass"`
	OrRule string `json:"orRule" validate:"email|uuid"`
	Alpha  string `json:"alpha" validate:"required,alpha"`
}

type sweepNested struct {
	Zone    zoned  `json:"zone"`
	Skipped zoned  `json:"skipped" validate:"-"`
	Opt     *zoned `json:"opt"`
	Req     *zoned `json:"req" validate:"required"`
	Omit    zoned  `json:"omit" validate:"omitempty"`
	ReqS    zoned  `json:"reqs" validate:"required"`
}

type sweepMore struct {
	Num    json.Number        `json:"num"`
	Iface  fmt.Stringer       `json:"iface"`
	Keys8  map[int8]string    `json:"keys8"`
	KeysU  map[uint16]string  `json:"keysu"`
	Arr    [2]string          `json:"arr" validate:"dive,oneof=a b"`
	PEZone *string            `json:"pezone" validate:"omitempty,oneof=eu us"`
	PZ     *string            `json:"pz" validate:"omitzero,min=2"`
	LZ     []string           `json:"lz" validate:"omitzero,min=2"`
	L      []string           `json:"l" validate:"omitempty,min=2"`
	Grid   [][]int            `json:"grid" validate:"dive,dive,min=1"`
	PItems []*lineItem        `json:"pitems" validate:"dive"`
	PInts  []*int             `json:"pints" validate:"dive,min=1"`
	MKeys  map[string]*zoned  `json:"mkeys" validate:"dive,keys,oneof=x y,endkeys"`
	SZ     string             `json:"sz" validate:"omitzero,min=3"`
	NZ     int                `json:"nz" validate:"omitzero,min=3"`
	Deep   map[string][]zoned `json:"deep" validate:"dive,dive"`
}

// pool is what each member in turn is set to.
var pool = []string{
	`null`, `true`, `false`, `0`, `-0`, `0.0`, `1`, `-1`, `1.0`, `1e2`, `1E0`, `1.5`, `2`, `3`, `4`, `8`, `9`, `10`, `11`,
	`100`, `101`, `127`, `128`, `-128`, `-129`, `255`, `256`, `65535`, `65536`, `2147483647`, `2147483648`,
	`4294967296`, `9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
	`18446744073709551615`, `18446744073709551616`, `1e38`, `3.5e38`, `1e308`, `1.7976931348623157e308`,
	`1.7976931348623159e308`, `1e309`, `-1e309`, `0.5`, `0.999`, `3.4028235e38`, `3.4028236e38`, `3.40282357e38`,
	`""`, `"a"`, `"ab"`, `"abc"`, `"abcd"`, `"abcdefgh"`, `"abcdefghi"`, `"eu"`, `"us"`, `"EU"`, `"New York"`, `"'New"`, `"Paris"`,
	`"a@example.com"`, `"not an email"`, `"é@example.com"`, `"a.@example.com"`, `"a@b"`, `"ü@exämple.com"`,
	`"http://example.com"`, `"http://exämple.com/ü"`, `"/path"`, `"//host/x"`, `"x:"`, `"example.com"`, `"mailto:a@example.com"`, `"urn:x:y"`, `"http://ex ample.com"`, `"HTTP://x"`, `"http://[::1"`,
	`"3f2504e0-4f89-11d3-9a0c-0305e82c3301"`, `"3F2504E0-4F89-11D3-9A0C-0305E82C3301"`, `"3f2504e04f8911d39a0c0305e82c3301"`,
	`"2024-01-02T03:04:05Z"`, `"2024-01-02t03:04:05z"`, `"2024-01-02T03:04:05.123+01:00"`, `"2016-12-31T23:59:60Z"`,
	`"2024-01-02 03:04:05Z"`, `"2024-02-30T03:04:05Z"`, `"0001-01-01T00:00:00Z"`, `"2024-01-02T03:04:05,5Z"`, `"2024-01-02T24:00:00Z"`,
	`"2024-01-02T03:04:05+0100"`, `"2024-01-02T03:04:05+01:60"`,
	`"AAEC"`, `"AAECAw=="`, `"!!"`, `"AAECAw"`, `"AAEC\nAw=="`,
	`"\u00e9t\u00e9"`, `"😀😀"`, `"\ud800"`, `"\ud800\udc00"`, `"a\u0000b"`, `"\"1\""`, `"1"`, `"-0"`, `"1e2"`, `"true"`, `"null"`,
	`"\"eu\""`, `"\"abc\""`, `"\"ab\""`, `"\"\""`, `" 1"`, `"0"`, `"false"`, `"1.5"`, `"007"`, `"+1"`, `"99999999999999999999"`,
	`"255"`, `"256"`, `"0x1p4"`, `"-Inf"`, `"low"`, `"high"`, `"10.0.0.1"`, `"::1"`,
	`[]`, `[1]`, `[1,2]`, `[1,2,3]`, `[1,2,"x"]`, `[0,255]`, `["a"]`, `["a","b"]`, `["a","b","c","d"]`, `[null]`, `[{}]`,
	`[{"name":"x"}]`, `[{"zone":"asia"}]`, `["a@example.com"]`, `[[]]`, `[[0]]`,
	`{}`, `{"a":1}`, `{"ab":1,"cd":2}`, `{"ab":1,"cd":2,"ef":3}`, `{"1":1}`, `{"+1":1}`, `{"-1":1}`, `{"01":1}`, `{"x":1}`,
	`{"200":"a"}`, `{"-129":"a"}`, `{"99999999999999999999":1}`, `{"low":"a"}`, `{"mid":"a"}`, `{"zone":"eu"}`,
	`{"zone":"asia"}`, `{"zone":""}`, `{"name":""}`, `{"ab":0}`, `{"x":{"zone":"eu"}}`, `{"z":{"zone":"eu"}}`, `{"x":[{}]}`,
}

// node is a JSON value that keeps its members' order, and their names as
// spelled.
type node struct {
	names []string // as spelled, quotes included
	obj   map[string]*node
	arr   []*node
	raw   string
	kind  byte // 'o', 'a' or 'v'
}

func parseNode(raw string) *node {
	raw = strings.TrimSpace(raw)
	switch raw[0] {
	case '{':
		n := &node{kind: 'o', obj: map[string]*node{}}
		dec := json.NewDecoder(strings.NewReader(raw))
		_, _ = dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			var v json.RawMessage
			_ = dec.Decode(&v)
			name := strconv.Quote(k.(string))
			n.names = append(n.names, name)
			n.obj[name] = parseNode(string(v))
		}
		return n
	case '[':
		n := &node{kind: 'a'}
		var vs []json.RawMessage
		_ = json.Unmarshal([]byte(raw), &vs)
		for _, v := range vs {
			n.arr = append(n.arr, parseNode(string(v)))
		}
		return n
	}
	return &node{kind: 'v', raw: raw}
}

func (n *node) String() string {
	var b strings.Builder
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range n.names {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(k + ":" + n.obj[k].String())
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, e := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(e.String())
		}
		b.WriteByte(']')
	default:
		b.WriteString(n.raw)
	}
	return b.String()
}

func (n *node) clone() *node {
	c := &node{kind: n.kind, raw: n.raw, names: append([]string(nil), n.names...)}
	if n.obj != nil {
		c.obj = map[string]*node{}
		for k, v := range n.obj {
			c.obj[k] = v.clone()
		}
	}
	for _, e := range n.arr {
		c.arr = append(c.arr, e.clone())
	}
	return c
}

// variant is a body made from a valid one, and how.
type variant struct {
	body, how, path string
	repeats         bool // a member repeated: JSON Schema sees one of its values
}

// variants makes bodies from valid: each member and element set to each
// value of the pool, each member left out, spelled in capitals or with an
// escape, repeated; and an unknown member in each object.
func variants(valid string) []variant {
	root := parseNode(valid)
	out := []variant{{body: valid, how: "as is"}}
	var walk func(path string, get func(*node) *node)
	walk = func(path string, get func(*node) *node) {
		if path != "" {
			for _, v := range pool {
				r := root.clone()
				*get(r) = *parseNode(v)
				out = append(out, variant{body: r.String(), how: "= " + v, path: path})
			}
		}
		n := get(root)
		switch n.kind {
		case 'o':
			for _, k := range n.names {
				name, _ := strconv.Unquote(k)
				sub := path + "/" + name
				respell := func(how, to string, keep bool) {
					r := root.clone()
					m := get(r)
					if keep {
						to = k
					}
					v := m.obj[k]
					if !keep {
						delete(m.obj, k)
						m.names = slicesDelete(m.names, k)
					}
					if to != "" {
						m.obj[to+"\x00"] = v.clone() // a second key for the same name
						m.names = append(m.names, to+"\x00")
					}
					out = append(out, variant{body: r.String(), how: how, path: sub, repeats: keep})
				}
				respell("left out", "", false)
				if up := strings.ToUpper(name); up != name {
					respell("in capitals", strconv.Quote(up), false)
				}
				respell("escaped", fmt.Sprintf(`"\u%04x%s`, name[0], k[2:]), false)
				respell("repeated", "", true)
				walk(sub, func(x *node) *node { return get(x).obj[k] })
			}
			r := root.clone()
			m := get(r)
			m.names = append(m.names, `"unknownMember"`)
			m.obj[`"unknownMember"`] = parseNode(`1`)
			out = append(out, variant{body: r.String(), how: "with an unknown member", path: path})
		case 'a':
			for i := range n.arr {
				walk(path+"/"+strconv.Itoa(i), func(x *node) *node { return get(x).arr[i] })
			}
		}
	}
	walk("", func(x *node) *node { return x })
	for i := range out {
		out[i].body = strings.ReplaceAll(out[i].body, "\x00", "")
	}
	return out
}

func slicesDelete(s []string, v string) []string {
	var out []string
	for _, x := range s {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// at is the value at JSON Pointer p in v, and whether there is one.
func at(v any, p string) (any, bool) {
	if p == "" {
		return v, true
	}
	for _, tok := range strings.Split(p[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// schemasAt are the schemas that describe the value at pointer p of the
// body, outermost first, the root's left out.
func schemasAt(s any, p string) []map[string]any {
	var out []map[string]any
	if p == "" {
		return nil
	}
	for _, tok := range strings.Split(p[1:], "/") {
		m, _ := s.(map[string]any)
		if m == nil {
			return out
		}
		var next any
		if props, ok := m["properties"].(map[string]any); ok && props[tok] != nil {
			next = props[tok]
		} else if i, err := strconv.Atoi(tok); err == nil && m["prefixItems"] != nil {
			if pre, _ := m["prefixItems"].([]any); i < len(pre) {
				next = pre[i]
			}
		} else if err == nil && m["items"] != nil {
			next = m["items"]
		} else if ap, ok := m["additionalProperties"].(map[string]any); ok {
			next = ap
		}
		if next == nil {
			return out
		}
		s = next
		if sm, ok := s.(map[string]any); ok {
			out = append(out, sm)
		}
	}
	return out
}

// inWords reports whether a schema on the way to p says a rule in words.
func inWords(doc any, p string) bool {
	for _, s := range schemasAt(doc, p) {
		d, _ := s["description"].(string)
		if strings.Contains(d, "Also validated as") || strings.Contains(d, "method reads") || strings.Contains(d, "written as a JSON string") {
			return true
		}
	}
	return false
}

var lateOffset = regexp.MustCompile(`[+-][0-9]{2}:[6-9][0-9]$`)

// leaves are the innermost errors of a validation error.
func leaves(err *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(err.Causes) == 0 {
		return []*jsonschema.ValidationError{err}
	}
	var out []*jsonschema.ValidationError
	for _, c := range err.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

func pointer(tokens []string) string {
	var p strings.Builder
	for _, t := range tokens {
		p.WriteString("/" + strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return p.String()
}

// numberText is the number at pointer p of body as sent.
func numberText(body, p string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return ""
	}
	n, _ := at(v, p)
	s, _ := n.(json.Number)
	return string(s)
}

// unexpressed says why the verdicts on v differ although the schema is
// right, or "" when nothing does: JSON Schema sees neither a repeated
// member nor how a number is spelled; a null member, which the decoder
// takes as absent, the schema allows only where it means something (see
// Schema); what it cannot state it says in words; and time.Time, and
// validator's email and url, draw the edges of their formats their own
// way.
func unexpressed(r bodyRoute, v variant, ok bool, errs []fieldError, schemaErr error) string {
	if v.repeats {
		return "a repeated member"
	}
	if ok {
		var ve *jsonschema.ValidationError
		if !errors.As(schemaErr, &ve) {
			return ""
		}
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(v.body))
		nulls, times := true, true
		for _, l := range leaves(ve) {
			x, _ := at(inst, pointer(l.InstanceLocation))
			nulls = nulls && x == nil
			// time.Time reads a comma before the fraction, and offset
			// minutes past 59, where RFC 3339 does not.
			f, _ := l.ErrorKind.(*kind.Format)
			s, _ := x.(string)
			times = times && f != nil && f.Want == "date-time" && (strings.Contains(s, ",") || lateOffset.MatchString(s))
		}
		switch {
		case nulls:
			return "null for a member that cannot be null"
		case times:
			return "a time RFC 3339 refuses"
		}
		return ""
	}
	if strings.Contains(v.body, `"\ud800"`) {
		// bind refuses an escaped lone surrogate as JSON that is not
		// I-JSON (RFC 7493 §2.1); JSON Schema sees only the U+FFFD it
		// decodes to.
		return "a lone surrogate"
	}
	if len(errs) == 0 {
		return ""
	}
	for _, e := range errs {
		p := strings.TrimPrefix(e.Pointer, "#")
		num := numberText(v.body, p)
		if num == "" {
			num = numberText(v.body, v.path)
		}
		switch {
		case num != "" && strings.HasPrefix(e.Detail, "must be a") && strings.Contains(e.Detail, "integer") &&
			(strings.ContainsAny(num, ".eE") || num == "-0"):
			// An integer spelled with a fraction or an exponent.
		case num != "" && strings.Contains(num, "e30"):
			// A number past the range of a float64, or rounded to its edge.
		case e.Detail == "must be an email address" || e.Detail == "must be a URL":
			// validator's own definitions: the formats take more.
		case strings.Contains(e.Detail, "must be an integer from") && num == "":
			// A 64-bit integer spelled in a string: its pattern bounds the digits.
		case inWords(r.doc, p), p == "" && inWords(r.doc, v.path):
		default:
			return ""
		}
	}
	return "said in words, or not in JSON Schema's terms"
}

func sweep[T any](t *testing.T, d *bind.JSONDecoder, valid ...string) {
	t.Run(fmt.Sprintf("%T", *new(T)), func(t *testing.T) {
		r := routeFor[T](t, d)
		n, explained := 0, 0
		seen := map[string]bool{}
		for _, b := range valid {
			if ok, _, answer := r.decode(b); !ok || r.check(b) != nil {
				t.Fatalf("%s is not valid: %s %v", b, answer, r.check(b))
			}
			for _, v := range variants(b) {
				if seen[v.body] {
					continue
				}
				seen[v.body], n = true, n+1
				ok, errs, answer := r.decode(v.body)
				err := r.check(v.body)
				if ok == (err == nil) {
					continue
				}
				if unexpressed(r, v, ok, errs, err) != "" {
					explained++
					continue
				}
				if ok {
					t.Errorf("%s %s: the decoder takes %s, the schema refuses it: %v", v.path, v.how, v.body, err)
				} else {
					t.Errorf("%s %s: the decoder refuses %s (%s), the schema takes it", v.path, v.how, v.body, answer)
				}
			}
		}
		if t.Failed() {
			t.Logf("schema %s", r.raw)
		}
		t.Logf("%d bodies, %d differing verdicts accounted for", n, explained)
	})
}

func TestSchemaMatchesDecoder(t *testing.T) {
	sweep[sweepScalars](t, nil, `{"name":"ab","size":1,"count":1,"small":1,"u":1,"u8":1,"f32":1,"f64":1,"on":true,`+
		`"ratio":0.5,"zone":"eu","city":"New York","level":1,"code":"abc"}`)
	sweep[sweepFormats](t, nil, `{"mail":"a@example.com","site":"http://example.com","ref":"urn:x:y",`+
		`"id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","at":"2024-01-02T03:04:05Z","atp":"2024-01-02T03:04:05Z",`+
		`"rm":"a@example.com","ru":"http://example.com","ri":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}`)
	sweep[sweepPointers](t, nil, `{"limit":1,"note":"x","on":false,"opt":"ab","nil":1,"zone":"eu","pp":1}`)
	sweep[sweepCollections](t, nil, `{"tags":["a"],"req":[],"items":[{"name":"x"}],"ditems":[{"name":"x"}],`+
		`"labels":{"a":"b"},"counts":{"1":1},"small":{"1":"a"},"levels":{"low":"a"},"byname":{"a":{"name":"x"}},`+
		`"pair":[1,2],"data":"AAEC","raw":{"a":1},"any":[1],"emails":["a@example.com"],"keys":{"ab":1}}`)
	sweep[sweepEmbedded](t, nil, `{"id":"x","kind":"k","ref":"r","note":"n","name":"a"}`, `{"id":"x","name":"a"}`)
	sweep[sweepOptions](t, nil, `{"q":"1","qp":"2","qb":"true","qs":"\"eu\"","qf":"1.5","qm":"\"abc\"","-":"x","oe":"x",`+
		`"oz":"2024-01-02T03:04:05Z"}`)
	sweep[sweepCustom](t, nil, `{"level":"low","lp":"high","addr":"10.0.0.1","lreq":"low"}`)
	sweep[sweepCross](t, nil, `{"kind":"a","detail":"","min":1,"max":2,"pass":"p","again":"p","orRule":"a@example.com","alpha":"abc"}`,
		`{"kind":"b","detail":"d","min":1,"max":2,"pass":"p","again":"p","orRule":"a@example.com","alpha":"abc"}`)
	nested := `{"zone":{"zone":"eu"},"skipped":{"zone":"eu"},"opt":{"zone":"eu"},"req":{"zone":"eu"},"omit":{"zone":"eu"},"reqs":{"zone":"eu"}}`
	sweep[sweepNested](t, nil, nested)
	sweep[sweepNested](t, &bind.JSONDecoder{AllowUnknownFields: true}, nested)
	sweep[sweepMore](t, nil, `{"num":1.5,"iface":null,"keys8":{"1":"a"},"keysu":{"1":"a"},"arr":["a","b"],"pezone":"eu",`+
		`"pz":"ab","lz":["a","b"],"l":["a","b"],"grid":[[1]],"pitems":[{"name":"x"}],"pints":[1],"mkeys":{"x":{"zone":"eu"}},`+
		`"sz":"abc","nz":3,"deep":{"x":[{"zone":"eu"}]}}`)
	sweep[[]lineItem](t, nil, `[{"name":"x","qty":1}]`)
	sweep[map[string]lineItem](t, nil, `{"a":{"name":"x","qty":1}}`)
}
