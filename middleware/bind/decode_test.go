package bind

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/jsonfield"
	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

type semCloud struct {
	Name  string            `json:"name" validate:"required,min=1,max=256"`
	Size  int8              `json:"size,omitempty" validate:"gte=0"`
	Tags  []string          `json:"tags,omitempty" validate:"max=3,dive,min=2"`
	Owner *semOwner         `json:"owner,omitempty"`
	Items []semItem         `json:"items,omitempty" validate:"dive"`
	Meta  map[string]int    `json:"meta,omitempty"`
	Sizes map[int]string    `json:"sizes,omitempty"`
	At    time.Time         `json:"at,omitzero"`
	Raw   map[string]any    `json:"raw,omitempty"`
	Blob  []byte            `json:"blob,omitempty"`
	Quote int               `json:"quote,omitempty,string"`
	Extra map[string]string `json:"-"`
	semBase
}

type semBase struct {
	ID int `json:"id,omitempty"`
}

type semOwner struct {
	Email string `json:"email" validate:"required,email"`
}

type semItem struct {
	Kind  string  `json:"kind" validate:"oneof=a b"`
	Price float32 `json:"price"`
}

// semDecode decodes body into a semCloud through DecodeJSON.
func semDecode(t *testing.T, d *JSONDecoder, contentType, body string) (*semCloud, *httptest.ResponseRecorder) {
	t.Helper()
	r := testkit.Request("POST", "/cloud", body)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	var v semCloud
	var err error
	if d == nil {
		err = DecodeJSON(httptest.NewRecorder(), r, &v)
	} else {
		err = d.Decode(httptest.NewRecorder(), r, &v)
	}
	rec := httptest.NewRecorder()
	if err != nil {
		var p *problem.Problem
		if !errors.As(err, &p) {
			t.Fatalf("error %v is not a problem", err)
		}
		problem.Write(rec, r, p)
	}
	return &v, rec
}

func TestDecodeJSONAcceptsValidBody(t *testing.T) {
	for _, ct := range []string{"application/json", "application/json; charset=UTF-8", "application/merge-patch+json", "APPLICATION/JSON"} {
		v, rec := semDecode(t, nil, ct, `{"name":"n","size":3,"id":9,"quote":"12","owner":{"email":"a@b.c"},"at":"2024-05-01T00:00:00Z"}`)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", ct, rec.Code, rec.Body)
		}
		if v.Name != "n" || v.Size != 3 || v.ID != 9 || v.Quote != 12 || v.Owner.Email != "a@b.c" || v.At.IsZero() {
			t.Fatalf("decoded %+v", v)
		}
	}
}

func TestDecodeJSONUnsupportedMediaType(t *testing.T) {
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx", "garbage/"} {
		t.Run(ct, func(t *testing.T) {
			_, rec := semDecode(t, nil, ct, `{"name":"n"}`)
			p := testkit.Problem(t, rec, http.StatusUnsupportedMediaType)
			if rec.Header().Get("Accept") != "application/json" {
				t.Errorf("Accept = %q", rec.Header().Get("Accept"))
			}
			if !reflect.DeepEqual(p["acceptable"], []any{"application/json"}) {
				t.Errorf("acceptable = %v", p["acceptable"])
			}
		})
	}
	r := testkit.Request("POST", "/", `{"name":"n"}`, "Content-Type: application/json", "Content-Encoding: gzip")
	var v semCloud
	if p := problemOf(DecodeJSON(httptest.NewRecorder(), r, &v)); p == nil || p.Status != 415 {
		t.Fatalf("Content-Encoding: gzip gave %v", p)
	}
}

func problemOf(err error) *problem.Problem {
	p, _ := errors.AsType[*problem.Problem](err)
	return p
}

func TestDecodeJSONTooLarge(t *testing.T) {
	d := &JSONDecoder{MaxBytes: 64}
	big := `{"name":"` + strings.Repeat("x", 100) + `"}`
	tests := []struct {
		name          string
		contentLength int64
	}{
		{"honest Content-Length", int64(len(big))},
		{"lying Content-Length", 10},
		{"unknown length", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testkit.Request("POST", "/", big, "Content-Type: application/json")
			r.ContentLength = tt.contentLength
			var v semCloud
			rec := httptest.NewRecorder()
			problem.Write(rec, r, problemOf(d.Decode(httptest.NewRecorder(), r, &v)))
			testkit.Problem(t, rec, http.StatusRequestEntityTooLarge)
		})
	}
	// The default limit is 1 MiB.
	huge := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	_, rec := semDecode(t, nil, "application/json", huge)
	testkit.Problem(t, rec, http.StatusRequestEntityTooLarge)
}

func TestDecodeJSONEmptyBody(t *testing.T) {
	for _, tt := range []struct{ ct, body string }{{"application/json", ""}, {"application/json", " \n\t"}, {"", ""}} {
		_, rec := semDecode(t, nil, tt.ct, tt.body)
		p := testkit.Problem(t, rec, http.StatusBadRequest)
		if !strings.Contains(p["detail"].(string), "empty") {
			t.Errorf("detail = %v", p["detail"])
		}
	}
}

func TestDecodeJSONSyntaxErrorsSayWhere(t *testing.T) {
	tests := []struct {
		name, body         string
		line, column, byte int
	}{
		{"bad token", `{"name": x}`, 1, 10, 10},
		{"second line", "{\n  \"name\": \"n\",\n  oops\n}", 3, 3, 20},
		{"truncated", `{"name": "n"`, 1, 13, 13},
		{"trailing garbage", `{"name":"n"} trailing`, 1, 14, 14},
		{"second value", `{"name":"n"}{"name":"m"}`, 1, 13, 13},
		{"column counts characters", `{"name":"éé" x`, 1, 14, 16},
		{"a byte that is not UTF-8", "{\"name\":\"al\xe9ice\"}", 1, 12, 12},
		{"a truncated character", "{\"name\":\"é\xc3\"}", 1, 11, 12},
		{"a lone high surrogate", `{"name":"a\ud800b"}`, 1, 11, 11},
		{"a lone low surrogate", `{"name":"\udc00"}`, 1, 10, 10},
		{"a high surrogate before another escape", `{"name":"\ud800\u0041"}`, 1, 10, 10},
		{"a lone surrogate in a member name", `{"n\udbff":1}`, 1, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rec := semDecode(t, nil, "application/json", tt.body)
			p := testkit.Problem(t, rec, http.StatusBadRequest)
			if p["line"] != float64(tt.line) || p["column"] != float64(tt.column) || p["offset"] != float64(tt.byte) {
				t.Errorf("line %v column %v offset %v, want %d %d %d; %v", p["line"], p["column"], p["offset"],
					tt.line, tt.column, tt.byte, p["detail"])
			}
			if d := p["detail"].(string); !strings.Contains(d, "not valid JSON") || strings.Contains(d, "json:") {
				t.Errorf("detail = %q", d)
			}
		})
	}
}

func TestDecodeJSONListsEveryFieldError(t *testing.T) {
	tests := []struct {
		name, body string
		want       map[string]string
		detail     string
	}{
		{"missing required field", `{}`, map[string]string{"#/name": "is required"}, "A required field is missing in the body."},
		{"null body", `null`, map[string]string{"#/name": "is required"}, "A required field is missing in the body."},
		{"empty required string", `{"name":""}`, map[string]string{"#/name": "is required"}, ""},
		{"too long", `{"name":"` + strings.Repeat("é", 257) + `"}`, map[string]string{"#/name": "must have at most 256 characters"}, "The request body has invalid fields."},
		{"type mismatches, all of them", `{"name":1,"size":"big","tags":[1,"ok",true],"owner":[]}`, map[string]string{
			"#/name": "must be a string", "#/size": "must be an integer", "#/tags/0": "must be a string",
			"#/tags/2": "must be a string", "#/owner": "must be an object"}, "The request body has invalid fields."},
		{"out of range", `{"name":"n","size":300}`, map[string]string{"#/size": "must be an integer from -128 to 127"}, ""},
		{"fraction for an integer", `{"name":"n","size":1.5}`, map[string]string{"#/size": "must be an integer"}, ""},
		{"unknown fields", `{"name":"n","nmae":"x","owner":{"email":"a@b.c","mail":1}}`, map[string]string{
			"#/nmae": "is not a known field", "#/owner/mail": "is not a known field"}, ""},
		{"ignored field is unknown", `{"name":"n","Extra":{}}`, map[string]string{"#/Extra": "is not a known field"}, ""},
		{"nested validation", `{"name":"n","owner":{"email":"nope"},"items":[{"kind":"a"},{"kind":"c"}],"tags":["x"]}`, map[string]string{
			"#/owner/email": "must be an email address", "#/items/1/kind": "must be one of: a, b",
			"#/tags/0": "must have at least 2 characters"}, ""},
		{"map values and keys", `{"name":"n","meta":{"a/b":"x"},"sizes":{"x":"y"}}`, map[string]string{
			"#/meta/a~1b": "must be an integer", "#/sizes/x": "is a key that must be an integer"}, ""},
		{"bad time", `{"name":"n","at":"yesterday"}`, map[string]string{"#/at": "must be a date and time in RFC 3339 format"}, ""},
		{"bad base64", `{"name":"n","blob":"***"}`, map[string]string{"#/blob": "must be a base64 string"}, ""},
		{"string option", `{"name":"n","quote":"x"}`, map[string]string{"#/quote": "must be an integer"}, ""},
		{"string option, unquoted", `{"name":"n","quote":12}`, map[string]string{"#/quote": "must be sent as a string"}, ""},
		{"embedded field", `{"name":"n","id":"x"}`, map[string]string{"#/id": "must be an integer"}, ""},
		{"root is not an object", `[1,2]`, map[string]string{"#": "must be an object"}, ""},
		{"float range", `{"name":"n","items":[{"kind":"a","price":1e300}]}`, map[string]string{"#/items/0/price": "must be a number within the range of a 32-bit float"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rec := semDecode(t, nil, "application/json", tt.body)
			p := testkit.Problem(t, rec, http.StatusBadRequest)
			if got := testkit.FieldErrors(t, p); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors = %v, want %v", got, tt.want)
			}
			if tt.detail != "" && p["detail"] != tt.detail {
				t.Errorf("detail = %v, want %q", p["detail"], tt.detail)
			}
		})
	}
}

func TestDecodeJSONAllowUnknownFields(t *testing.T) {
	v, rec := semDecode(t, &JSONDecoder{AllowUnknownFields: true}, "application/json", `{"name":"n","nmae":"x"}`)
	if rec.Code != http.StatusOK || v.Name != "n" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	// Type errors are still reported next to unknown members.
	_, rec = semDecode(t, &JSONDecoder{AllowUnknownFields: true}, "application/json", `{"name":2,"nmae":"x"}`)
	if got := testkit.FieldErrors(t, testkit.Problem(t, rec, 400)); !reflect.DeepEqual(got, map[string]string{"#/name": "must be a string"}) {
		t.Fatalf("errors = %v", got)
	}
}

type semRange struct {
	From int `json:"from"`
	To   int `json:"to"`
}

func (r *semRange) Validate() error {
	if r.To < r.From {
		return problem.BadRequest("The range is empty.").WithErrors(problem.BodyError("must not be less than from", "to"))
	}
	if r.From < 0 {
		return errors.New("from must not be negative")
	}
	return nil
}

func TestDecodeJSONValidateMethod(t *testing.T) {
	for _, tt := range []struct {
		body, detail string
		status       int
	}{
		{`{"from":1,"to":2}`, "", 0},
		{`{"from":3,"to":2}`, "The range is empty.", 400},
		{`{"from":-1,"to":2}`, "from must not be negative", 400},
	} {
		r := testkit.Request("POST", "/", tt.body, "Content-Type: application/json")
		var v semRange
		p := problemOf(DecodeJSON(httptest.NewRecorder(), r, &v))
		if tt.status == 0 {
			if p != nil {
				t.Errorf("%s: %v", tt.body, p)
			}
			continue
		}
		if p == nil || p.Status != tt.status || p.Detail != tt.detail {
			t.Errorf("%s: got %v", tt.body, p)
		}
	}
	// Decoding into a pointer to a pointer still calls Validate.
	var pv *semRange
	r := testkit.Request("POST", "/", `{"from":3,"to":2}`, "Content-Type: application/json")
	if p := problemOf(DecodeJSON(httptest.NewRecorder(), r, &pv)); p == nil || p.Detail != "The range is empty." {
		t.Errorf("into **semRange: got %v", p)
	}
}

func TestDecodeJSONNonPointerIsAServerError(t *testing.T) {
	r := testkit.Request("POST", "/", `{}`, "Content-Type: application/json")
	p := problemOf(DecodeJSON(httptest.NewRecorder(), r, semCloud{}))
	if p == nil || p.Status != 500 || p.Unwrap() == nil {
		t.Fatalf("got %v", p)
	}
}

type semFailingReader struct{}

func (semFailingReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestDecodeJSONReadError(t *testing.T) {
	r := httptest.NewRequest("POST", "/", semFailingReader{})
	r.Header.Set("Content-Type", "application/json")
	var v semCloud
	p := problemOf(DecodeJSON(httptest.NewRecorder(), r, &v))
	if p == nil || p.Status != 400 || !errors.Is(p.Unwrap(), io.ErrClosedPipe) {
		t.Fatalf("got %v", p)
	}
}

// FuzzDecodeJSON checks that any body gets a clean answer: nil only for
// a single valid JSON value that fits, otherwise a 400, 413 or 415 problem
// whose field errors are well-formed JSON Pointers; never a panic or a 500.
// With unknown fields refused or allowed, no field is ever set but from a
// member of exactly its name, and the walker agrees with encoding/json on
// what is JSON.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"n"}`, `{}`, `null`, `[1,2]`, `{"name":1,"tags":[1,2],"owner":{"x":1}}`,
		`{"name":"n"} x`, `{"name":`, "", `{"meta":{"a":"b"},"sizes":{"1":"x","y":"z"}}`,
		`{"at":"nope","blob":"!!","quote":"q","id":"i","items":[{"price":"p"}]}`,
		`{"name":"n","NAME":"m"}`, "\xff\xfe", `{"name":"\ud800"}`, `[[[[[[[[[[]]]]]]]]]]`,
		`{"NAME":"x"}`, `{"name":"","Name":"x"}`, `{"Name":"x","name":"n"}`, `{"\u004eame":"x"}`,
		`{"name":"n","ſize":1,"ID":2,"Quote":"3"}`, `{"name":"n","owner":{"EMAIL":"a@b.c"}}`,
		`{"name":"n","items":[{"kind":"a"},{"KIND":"b","Price":1}]}`, `{"name":"n","meta":{"A":1,"a":2}}`,
		`{"name":"a","name":"b"}`, `{"name":"n","owner":{"email":"a@b.c"},"owner":{}}`,
		`{"name":"n","raw":{"k":[{"x":1,"x":2}]}}`, `{"name":"n\u0000","n\u0061me":"x"}`,
		`{"name":"n","size":1e2,"quote":"-0"}`, `{"name":"n","tags":["ab",]}`, `{"name":"n",}`,
		`{"name" "n"}`, `{"name":"\x"}`, `{"name":"\u12"}`, `{"name":-}`, `{"name":01}`, `{"name":tru}`,
		`1`, `-0`, `1.`, `1.5e+`, `-01`, `"\t"`, "\"\t\"", `[1 2]`, `{"a":1 "b":2}`, `{,}`, `{"a"}`, ` nulll`,
		`{"name" : "n" , "tags" : [ "ab" , "cd" ] , "raw" : { "x" : [ true , false , null , 1E-2 ] } }`,
	} {
		f.Add(s, "application/json")
	}
	f.Add(`{"name":"n"}`, "text/plain")
	decoders := []*JSONDecoder{{MaxBytes: 4096}, {MaxBytes: 4096, AllowUnknownFields: true}}
	f.Fuzz(func(t *testing.T, body, contentType string) {
		w := walker{data: []byte(body)}
		if w.document(nil); w.bad == json.Valid([]byte(body)) {
			t.Fatalf("walker says bad=%v, json.Valid says %v, for %q", w.bad, json.Valid([]byte(body)), body)
		}
		semUnquoteAgrees(t, body)
		for _, d := range decoders {
			r := testkit.Request("POST", "/", body)
			r.Header.Set("Content-Type", contentType)
			var v semCloud
			err := d.Decode(httptest.NewRecorder(), r, &v)
			semOnlyExactNames(t, body, &v)
			if err == nil {
				continue
			}
			p := problemOf(err)
			if p == nil {
				t.Fatalf("error %v is not a problem", err)
			}
			switch p.Status {
			case 400, 413, 415:
			default:
				t.Fatalf("status %d for %q: %v", p.Status, body, p)
			}
			if errs, ok := p.Extension("errors"); ok {
				for _, fe := range errs.([]problem.FieldError) {
					if !strings.HasPrefix(fe.Pointer, "#") || fe.Detail == "" {
						t.Fatalf("bad field error %+v", fe)
					}
				}
			}
		}
	})
}

// semUnquoteAgrees fails t if s, quoted, is a JSON string that unquote
// reads other than encoding/json.
func semUnquoteAgrees(t *testing.T, s string) {
	t.Helper()
	q := []byte(`"` + s + `"`)
	w := walker{data: q}
	if w.str(); w.bad || w.pos != len(q) {
		return
	}
	var want string
	if err := json.Unmarshal(q, &want); err != nil {
		t.Fatalf("walker takes %s, encoding/json says %v", q, err)
	}
	if got := string(unquote(q[1 : len(q)-1])); got != want {
		t.Fatalf("unquote(%s) = %q, encoding/json reads %q", q, got, want)
	}
}

func TestUnquoteAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range []string{
		``, `plain`, `\"\\\/\b\f\n\r\t`, `\u00e9\u00C9\uFFFF\u0000`, `\ud83d\ude00`, `\ud83d`, `\ude00`,
		`\ud83dx`, `\ud83d\u0041`, `\ud83d\ud83d\ude00`, `\ud83d\n`, "\xff", "a\xed\xa0\x80b", "é\xc3", "\xf0\x9f\x98\x80",
	} {
		semUnquoteAgrees(t, s)
	}
}

// semOnlyExactNames fails t if a field of v is set other than from a
// member of exactly the field's JSON name.
func semOnlyExactNames(t *testing.T, body string, v any) {
	t.Helper()
	var doc json.RawMessage
	if json.Unmarshal([]byte(body), &doc) != nil {
		if !reflect.ValueOf(v).Elem().IsZero() {
			t.Fatalf("%q is not JSON, yet decoded as %+v", body, v)
		}
		return
	}
	semExactAt(t, body, reflect.ValueOf(v), doc, false, "#")
}

// semExactAt checks rv, decoded from raw: each set field of a struct has a
// member of its name, and a value that is not a struct or a list is what
// raw decodes to on its own.
func semExactAt(t *testing.T, body string, rv reflect.Value, raw json.RawMessage, quoted bool, at string) {
	t.Helper()
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return
		}
		rv = rv.Elem()
	}
	ti := infoOf(rv.Type())
	switch {
	case !ti.self && rv.Kind() == reflect.Struct:
		var m map[string]json.RawMessage
		_ = json.Unmarshal(raw, &m)
		for _, f := range ti.fields {
			fv, err := rv.FieldByIndexErr(f.Index)
			if err != nil || fv.IsZero() {
				continue
			}
			sub, ok := m[f.Name]
			if !ok {
				t.Fatalf("%s/%s is %v, but %q has no member %q there", at, f.Name, fv, body, f.Name)
			}
			semExactAt(t, body, fv, sub, f.Quoted, at+"/"+f.Name)
		}
	case !ti.self && ti.kind == kindList && !(rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8):
		var l []json.RawMessage
		_ = json.Unmarshal(raw, &l)
		for i := 0; i < rv.Len() && i < len(l); i++ {
			semExactAt(t, body, rv.Index(i), l[i], false, at+"/"+strconv.Itoa(i))
		}
	default:
		var s string
		if quoted && json.Unmarshal(raw, &s) == nil {
			raw = json.RawMessage(s)
		}
		alone := reflect.New(rv.Type())
		if json.Unmarshal(raw, alone.Interface()) == nil && !reflect.DeepEqual(alone.Elem().Interface(), rv.Interface()) {
			t.Fatalf("%s is %v, but its member %s in %q decodes to %v", at, rv, raw, body, alone.Elem())
		}
	}
}

func TestDecodeJSONHostileBodiesStaySmall(t *testing.T) {
	many := `{"name":"n","tags":[` + strings.Repeat("1,", 100000) + `1]}`
	_, rec := semDecode(t, nil, "application/json", many)
	p := testkit.Problem(t, rec, http.StatusBadRequest)
	if n := len(semFieldErrorsList(p)); n != 100 || rec.Body.Len() > 16<<10 {
		t.Fatalf("%d field errors, %d bytes", n, rec.Body.Len())
	}
	if !strings.Contains(p["detail"].(string), "the first 100") {
		t.Errorf("detail = %v", p["detail"])
	}
	// A recursive type nested thousands deep gets one short error, listed
	// at a shallow ancestor; its cost is BenchmarkDecodeJSONHostile's.
	type node struct {
		Name     string `json:"name"`
		Children []node `json:"children"`
	}
	deep := strings.Repeat(`{"children":[`, 4000) + `{"name":1}` + strings.Repeat(`]}`, 4000)
	var n node
	err := (&JSONDecoder{}).decode([]byte(deep), &n)
	if p := problemOf(err); p == nil || p.Status != 400 || len(p.Error()) > 4<<10 {
		t.Fatalf("got %v", err)
	}
}

func semFieldErrorsList(p map[string]any) []any {
	l, _ := p["errors"].([]any)
	return l
}

// TestDecodeJSONProblemsAreTheCallers changes every part of a returned
// problem a caller can reach, then decodes again: the second answer must be
// as the first was.
func TestDecodeJSONProblemsAreTheCallers(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		body    string
	}{
		{"empty body", []string{"Content-Type: application/json"}, ""},
		{"blank body", []string{"Content-Type: application/json"}, " "},
		{"no content type", nil, ""},
		{"not JSON", []string{"Content-Type: text/plain"}, "x"},
		{"encoded", []string{"Content-Type: application/json", "Content-Encoding: gzip"}, "x"},
		{"too large", []string{"Content-Type: application/json"}, strings.Repeat(" ", 100)},
		{"syntax error", []string{"Content-Type: application/json"}, "{"},
		{"field errors", []string{"Content-Type: application/json"}, `{"name":1}`},
	}
	d := &JSONDecoder{MaxBytes: 64}
	decode := func(body string, headers []string) *problem.Problem {
		r := testkit.Request("POST", "/", body, headers...)
		var v semCloud
		p := problemOf(d.Decode(httptest.NewRecorder(), r, &v))
		if p == nil {
			t.Fatalf("%q: no problem", body)
		}
		return p
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := decode(tt.body, tt.headers)
			want := first.Error()
			wantHeader := first.Header().Clone()
			acceptable, _ := first.Extension("acceptable")

			first.Detail = "changed"
			first.Status = 599
			for k := range first.Header() {
				first.Header().Set(k, "changed")
			}
			if l, ok := acceptable.([]string); ok && len(l) > 0 {
				l[0] = "changed"
			}
			if errs, ok := first.Extension("errors"); ok && len(errs.([]problem.FieldError)) > 0 {
				errs.([]problem.FieldError)[0].Detail = "changed"
			}

			second := decode(tt.body, tt.headers)
			if second == first {
				t.Fatal("the same *Problem was returned twice")
			}
			if got := second.Error(); got != want {
				t.Errorf("second problem %q, want %q", got, want)
			}
			if !reflect.DeepEqual(second.Header(), wantHeader) {
				t.Errorf("second header %v, want %v", second.Header(), wantHeader)
			}
			if a, _ := second.Extension("acceptable"); a != nil && a.([]string)[0] != "application/json" {
				t.Errorf("acceptable = %v", a)
			}
		})
	}
}

type semPage[T any] struct {
	Items []T `json:"items" validate:"required,dive"`
}

type semNamed struct {
	A string `json:"a" validate:"required"`
}

// TestDecodeJSONPointsIntoAnyStruct checks pointers whatever the target
// type's name: validator starts its namespaces with it, and anonymous
// structs have none while generic ones have a dotted one.
func TestDecodeJSONPointsIntoAnyStruct(t *testing.T) {
	decode := func(t *testing.T, v any, body string) map[string]string {
		t.Helper()
		r := testkit.Request("POST", "/", body, "Content-Type: application/json")
		rec := httptest.NewRecorder()
		problem.Write(rec, r, problemOf(DecodeJSON(httptest.NewRecorder(), r, v)))
		return testkit.FieldErrors(t, testkit.Problem(t, rec, http.StatusBadRequest))
	}
	var anon struct {
		A string `json:"a" validate:"required"`
	}
	var nested struct {
		Owner struct {
			Email string `json:"email" validate:"required"`
		} `json:"owner"`
	}
	tests := []struct {
		name string
		v    any
		body string
		want map[string]string
	}{
		{"named struct", &semNamed{}, `{}`, map[string]string{"#/a": "is required"}},
		{"anonymous struct", &anon, `{}`, map[string]string{"#/a": "is required"}},
		{"anonymous nested in anonymous", &nested, `{"owner":{}}`, map[string]string{"#/owner/email": "is required"}},
		{"pointer to pointer to anonymous", func() any { p := &anon; return &p }(), `{}`, map[string]string{"#/a": "is required"}},
		{"generic struct", &semPage[semOwner]{}, `{"items":[{"email":"a@b.c"},{}]}`, map[string]string{"#/items/1/email": "is required"}},
		{"generic of anonymous", &semPage[struct {
			B int `json:"b" validate:"min=1"`
		}]{}, `{"items":[{"b":0}]}`, map[string]string{"#/items/0/b": "must be at least 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decode(t, tt.v, tt.body); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors = %v, want %v", got, tt.want)
			}
		})
	}
}

// SemEmbedded is exported: encoding/json cannot allocate an embedded
// pointer to an unexported struct.
type SemEmbedded struct {
	Deep string `json:"deep"`
}

type semShapes struct {
	Plain string
	//lint:ignore SA5008 the name "-", spelled as encoding/json documents it, is under test
	Dash  int                 `json:"-,"`
	ByKey map[string]semOwner `json:"byKey"`
	Anon  struct {
		Inner string `json:"inner"`
	} `json:"anon"`
	List []struct {
		V int `json:"v"`
	} `json:"list"`
	Arr [1]semOwner     `json:"arr"`
	Any any             `json:"any"`
	Raw json.RawMessage `json:"raw"`
	*SemEmbedded
}

func TestDecodeJSONMatchesNamesExactly(t *testing.T) {
	unknown := func(ptrs ...string) map[string]string {
		m := map[string]string{}
		for _, p := range ptrs {
			m[p] = "is not a known field"
		}
		return m
	}
	repeated := func(ptr string) map[string]string { return map[string]string{ptr: "appears more than once"} }
	tests := []struct {
		name, body string
		v          any
		want       map[string]string // nil: accepted
	}{
		{"upper case", `{"NAME":"x"}`, &semCloud{}, unknown("#/NAME")},
		{"variant next to the field", `{"name":"","Name":"x"}`, &semCloud{}, unknown("#/Name")},
		{"variant before the field", `{"Name":"x","name":"n"}`, &semCloud{}, unknown("#/Name")},
		{"escaped variant", `{"\u004eAME":"x","name":"n"}`, &semCloud{}, unknown("#/NAME")},
		{"escaped exact name", `{"n\u0061me":"x"}`, &semCloud{}, nil},
		{"Unicode folding", `{"name":"n","ſize":1,"items":[{"\u212aind":"a"}]}`, &semCloud{},
			unknown("#/%C5%BFize", "#/items/0/%E2%84%AAind")},
		{"nested struct", `{"name":"n","owner":{"Email":"a@b.c"}}`, &semCloud{}, unknown("#/owner/Email")},
		{"slice of structs", `{"name":"n","items":[{"kind":"a"},{"KIND":"b"}]}`, &semCloud{}, unknown("#/items/1/KIND")},
		{"embedded struct", `{"name":"n","ID":1}`, &semCloud{}, unknown("#/ID")},
		{"string option", `{"name":"n","Quote":"1"}`, &semCloud{}, unknown("#/Quote")},
		{"ignored field", `{"name":"n","extra":{}}`, &semCloud{}, unknown("#/extra")},
		{"map keys are data", `{"name":"n","meta":{"A":1,"a":2}}`, &semCloud{}, nil},
		{"untagged field", `{"plain":"x","Plain":"y"}`, &semShapes{}, unknown("#/plain")},
		{"field named -", `{"-":1,"Dash":2}`, &semShapes{}, unknown("#/Dash")},
		{"map of structs", `{"byKey":{"A":{"email":"x"},"a":{"EMAIL":"y"}}}`, &semShapes{}, unknown("#/byKey/a/EMAIL")},
		{"anonymous struct", `{"anon":{"Inner":"x"}}`, &semShapes{}, unknown("#/anon/Inner")},
		{"slice of anonymous structs", `{"list":[{"v":1},{"V":1}]}`, &semShapes{}, unknown("#/list/1/V")},
		{"array of structs", `{"arr":[{"Email":"x"}]}`, &semShapes{}, unknown("#/arr/0/Email")},
		{"array drops extra elements", `{"arr":[{"email":"x"},{"Email":"x"},{"EMAIL":"x"}]}`, &semShapes{}, nil},
		{"embedded pointer", `{"deep":"x","Deep":"y"}`, &semShapes{}, unknown("#/Deep")},
		{"any keeps its keys", `{"any":{"A":1,"a":{"B":2,"b":3}}}`, &semShapes{}, nil},
		{"RawMessage is as sent", `{"raw":{"X":1,"X":2}}`, &semShapes{}, nil},
		{"anonymous target", `{"A":"x"}`, &struct {
			A string `json:"a"`
		}{}, unknown("#/A")},
		{"repeated member", `{"name":"a","name":"b"}`, &semCloud{}, repeated("#/name")},
		{"repeated, once escaped", `{"name":"a","n\u0061me":"b"}`, &semCloud{}, repeated("#/name")},
		{"repeated object", `{"name":"n","owner":{"email":"a@b.c"},"owner":{"email":"c@d.e"}}`, &semCloud{}, repeated("#/owner")},
		{"repeated embedded field", `{"name":"n","id":1,"id":2}`, &semCloud{}, repeated("#/id")},
		{"repeated map key", `{"name":"n","meta":{"a":1,"b":2,"a":3}}`, &semCloud{}, repeated("#/meta/a")},
		{"repeated in any", `{"name":"n","raw":{"x":[{"k":1,"k":2}]}}`, &semCloud{}, repeated("#/raw/x/0/k")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testkit.Request("POST", "/", tt.body, "Content-Type: application/json")
			err := DecodeJSON(httptest.NewRecorder(), r, tt.v)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			rec := httptest.NewRecorder()
			problem.Write(rec, r, problemOf(err))
			if got := testkit.FieldErrors(t, testkit.Problem(t, rec, http.StatusBadRequest)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecodeJSONAllowUnknownFieldsIgnoresVariants(t *testing.T) {
	d := &JSONDecoder{AllowUnknownFields: true}
	tests := []struct {
		name, body string
		want       func(*semCloud) bool
		errors     map[string]string
	}{
		{"after the field", `{"name":"n","NAME":"evil"}`, func(v *semCloud) bool { return v.Name == "n" }, nil},
		{"before the field", `{"NAME":"evil","name":"n"}`, func(v *semCloud) bool { return v.Name == "n" }, nil},
		{"nested", `{"name":"n","owner":{"email":"a@b.c","EMAIL":"evil@x.y"}}`,
			func(v *semCloud) bool { return v.Owner.Email == "a@b.c" }, nil},
		{"in a slice", `{"name":"n","items":[{"kind":"a","KIND":"b","Kind":"b"}]}`,
			func(v *semCloud) bool { return v.Items[0].Kind == "a" }, nil},
		{"Unicode folding", `{"name":"n","ſize":5}`, func(v *semCloud) bool { return v.Size == 0 }, nil},
		{"only a variant", `{"NAME":"x"}`, nil, map[string]string{"#/name": "is required"}},
		{"variant of the wrong type", `{"NAME":1,"name":2}`, nil, map[string]string{"#/name": "must be a string"}},
		{"repeated member", `{"name":"n","name":"m"}`, nil, map[string]string{"#/name": "appears more than once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, rec := semDecode(t, d, "application/json", tt.body)
			if tt.errors != nil {
				if got := testkit.FieldErrors(t, testkit.Problem(t, rec, 400)); !reflect.DeepEqual(got, tt.errors) {
					t.Errorf("errors = %v, want %v", got, tt.errors)
				}
				return
			}
			if rec.Code != http.StatusOK || !tt.want(v) {
				t.Errorf("status %d, decoded %+v: %s", rec.Code, v, rec.Body)
			}
		})
	}
}

func TestDecodeJSONNestingLimit(t *testing.T) {
	for _, tt := range []struct {
		depth int
		ok    bool
	}{{10000, true}, {10001, false}} {
		body := strings.Repeat("[", tt.depth) + strings.Repeat("]", tt.depth)
		var v any
		err := (&JSONDecoder{}).decode([]byte(body), &v)
		if p := problemOf(err); (err == nil) != tt.ok || (!tt.ok && (p.Status != 400 || !strings.Contains(p.Detail, "depth"))) {
			t.Errorf("depth %d: %v", tt.depth, err)
		}
	}
}

// TestJSONFieldsAgreeWithEncodingJSON checks the field table the walker
// matches names against: encoding/json's encoder uses the same rules as its
// decoder, so a value it writes has exactly the table's names.
func TestJSONFieldsAgreeWithEncodingJSON(t *testing.T) {
	type conflictA struct {
		X int
		Y int `json:"y"`
	}
	type conflictB struct {
		X int
		//lint:ignore SA5008 a name encoding/json rejects, so that the Go name is used, is under test
		Quote  int `json:"a'b"`
		Spaced int `json:"a b"`
		Dup    int `json:"dup"`
	}
	type conflicts struct {
		conflictA
		conflictB
		Dup int       `json:"dup"`
		Tag conflictA `json:"tag"`
		//lint:ignore U1000 an unexported field, which encoding/json leaves out, is under test
		skip int
	}
	for _, v := range []any{semShapes{SemEmbedded: &SemEmbedded{}}, conflicts{}, semItem{}} {
		t.Run(reflect.TypeOf(v).String(), func(t *testing.T) {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for k := range m {
				want = append(want, k)
			}
			for _, f := range jsonfield.Of(reflect.TypeOf(v)) {
				got = append(got, f.Name)
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("fields %q, encoding/json writes %q", got, want)
			}
		})
	}
}
