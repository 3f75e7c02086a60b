package bind

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// hostileNames are targets whose map keys come from the body and appear in
// the pointers of many errors.
type hostileNames struct {
	Any   map[string]any              `json:"any"`
	Lists map[string][]int            `json:"lists"`
	Items map[string]map[string]valid `json:"items" validate:"dive,dive"`
}

type valid struct {
	N int `json:"n" validate:"min=1"`
}

// decodeToResponse decodes body into a hostileNames and writes the problem,
// returning the response and the bytes allocated on the way.
func decodeToResponse(t *testing.T, body string) (*httptest.ResponseRecorder, uint64) {
	t.Helper()
	r := testkit.Request("POST", "/", body)
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var v hostileNames
	err := (&JSONDecoder{MaxBytes: 2 << 20}).Decode(rec, r, &v)
	p := problemOf(err)
	if p == nil {
		t.Fatalf("no problem: %v", err)
	}
	problem.Write(rec, r, p)
	runtime.ReadMemStats(&after)
	return rec, after.TotalAlloc - before.TotalAlloc
}

// hostileBodies put many bad values under one member name of n bytes, in
// each way a name reaches many pointers: repeated members, type errors and
// validation errors.
func hostileBodies(n int) map[string]string {
	key := strings.Repeat("&", n) // "&" is kept in a fragment, then escaped by JSON as \u0026
	var items strings.Builder
	for i := range 150 {
		if i > 0 {
			items.WriteByte(',')
		}
		items.WriteString(`"k` + itoa(i) + `":{"n":0}`)
	}
	return map[string]string{
		"repeated members":  `{"any":{"` + key + `":{` + strings.TrimSuffix(strings.Repeat(`"a":0,`, 150), ",") + `}}}`,
		"type errors":       `{"lists":{"` + key + `":[` + strings.TrimSuffix(strings.Repeat(`"x",`, 150), ",") + `]}}`,
		"validation errors": `{"items":{"` + key + `":{` + items.String() + `}}}`,
	}
}

// A long member name with 150 bad members under it makes a 400 of a few
// kilobytes: the name is cut in each pointer, and the list stops when its
// pointers reach maxPointerBytes.
func TestLongMemberNamesMakeSmallProblems(t *testing.T) {
	for name, body := range hostileBodies(2 << 10) {
		t.Run(name, func(t *testing.T) {
			rec, _ := decodeToResponse(t, body)
			p := testkit.Problem(t, rec, http.StatusBadRequest)
			errs := semFieldErrorsList(p)
			if len(errs) == 0 || rec.Body.Len() > 64<<10 {
				t.Fatalf("%d errors in %d bytes for a %d-byte body", len(errs), rec.Body.Len(), len(body))
			}
			ptr := errs[0].(map[string]any)["pointer"].(string)
			if want := "/" + strings.Repeat("&", maxTokenBytes) + "%E2%80%A6"; !strings.Contains(ptr, want) {
				t.Errorf("pointer %.200q does not hold the cut name %q", ptr, want)
			}
			if d := p["detail"].(string); !strings.Contains(d, "the first ") {
				t.Errorf("detail %q does not say the list is cut", d)
			}
		})
	}
}

// A name of a megabyte above many bad values costs little and makes a
// small answer: validator, which would spell it out once per value, never
// sees the body, and the other errors are cut and capped.
func TestManyValuesUnderALongNameAreRefused(t *testing.T) {
	for name, body := range hostileBodies(1 << 20) {
		t.Run(name, func(t *testing.T) {
			rec, allocated := decodeToResponse(t, body)
			p := testkit.Problem(t, rec, http.StatusBadRequest)
			if rec.Body.Len() > 64<<10 {
				t.Errorf("%d-byte answer", rec.Body.Len())
			}
			if allocated > 8*uint64(len(body)) {
				t.Errorf("allocated %d MiB for a %d KiB body", allocated>>20, len(body)>>10)
			}
			if name == "validation errors" && !strings.Contains(p["detail"].(string), "costs too much to check") {
				t.Errorf("detail %q", p["detail"])
			}
		})
	}
}

// Bodies of many small values under ordinary map keys are decoded, and
// under long keys too where validator does not look.
func TestManySmallValuesUnderMapKeysAreDecoded(t *testing.T) {
	for _, key := range []string{"0b5cbd5e-6a4e-4bd6-9b8e-3d1c7f5a9e21", strings.Repeat("k", 4096)} {
		manySmallValues(t, key)
	}
}

func manySmallValues(t *testing.T, key string) {
	var b strings.Builder
	b.WriteString(`{"lists":{"` + key + `":[1`)
	for b.Len() < 1<<20-16 {
		b.WriteString(",1")
	}
	b.WriteString(`]}}`)
	r := testkit.Request("POST", "/", b.String())
	r.Header.Set("Content-Type", "application/json")
	var v hostileNames
	if err := (&JSONDecoder{MaxBytes: 2 << 20}).Decode(httptest.NewRecorder(), r, &v); err != nil {
		t.Fatalf("%d-byte body refused: %v", b.Len(), err)
	}
	if n := len(v.Lists[key]); n < 500_000 {
		t.Fatalf("%d values decoded", n)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestClipTokenCutsAtACharacterBoundary(t *testing.T) {
	short := strings.Repeat("é", maxTokenBytes/2)
	if got := clipToken(short); got != short {
		t.Errorf("a token of %d bytes was cut: %q", len(short), got)
	}
	long := "x" + short // the 128th byte is the first of an é
	got := clipToken(long)
	if want := "x" + strings.Repeat("é", maxTokenBytes/2-1) + "…"; got != want {
		t.Errorf("clipToken = %q, want %q", got, want)
	}
	if got := clipToken([]byte(long)); got != "x"+strings.Repeat("é", maxTokenBytes/2-1)+"…" {
		t.Errorf("clipToken(bytes) = %q", got)
	}
}

// A hundred short errors are all listed, as before the byte budget.
func TestShortPointersAreAllListed(t *testing.T) {
	var l errorList
	for range 150 {
		l.add("is wrong", []string{"items", "12", "name"})
	}
	if len(l.errs) != maxFieldErrors || !l.full {
		t.Fatalf("%d errors listed, full %v", len(l.errs), l.full)
	}
}

type required10 struct {
	A1  string `json:"a1" validate:"required"`
	A2  string `json:"a2" validate:"required"`
	A3  string `json:"a3" validate:"required"`
	A4  string `json:"a4" validate:"required"`
	A5  string `json:"a5" validate:"required"`
	A6  string `json:"a6" validate:"required"`
	A7  string `json:"a7" validate:"required"`
	A8  string `json:"a8" validate:"required"`
	A9  string `json:"a9" validate:"required"`
	A10 string `json:"a10" validate:"min=1"`
	B   string `json:"b" validate:"omitempty,min=1"`
}

type costly struct {
	Items    []required10 `json:"items" validate:"dive"`
	Children []costly     `json:"children" validate:"dive"`
	Next     *costly      `json:"next"`
	Name     string       `json:"name" validate:"required"`
}

// validator lists every error with its whole path: bodies that would make
// it build far more than their size are refused before it runs.
func TestBodiesCostlyToValidateAreRefused(t *testing.T) {
	bodies := map[string]string{
		"empty objects missing required fields": `{"name":"n","items":[` + strings.TrimSuffix(strings.Repeat(`{},`, 300_000), ",") + `]}`,
		"a chain 9,999 deep":                    strings.Repeat(`{"next":`, 9999) + `{}` + strings.Repeat(`}`, 9999),
		"a tree 4,999 deep":                     strings.Repeat(`{"children":[`, 4999) + `{}` + strings.Repeat(`]}`, 4999),
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			r := testkit.Request("POST", "/", body)
			r.Header.Set("Content-Type", "application/json")
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var v costly
			err := (&JSONDecoder{MaxBytes: 2 << 20}).Decode(httptest.NewRecorder(), r, &v)
			runtime.ReadMemStats(&after)
			p := problemOf(err)
			if p == nil || p.Status != http.StatusBadRequest || !strings.Contains(p.Detail, "costs too much to check") {
				t.Fatalf("got %v", err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 8*uint64(len(body)) {
				t.Errorf("allocated %d KiB for a %d KiB body", n>>10, len(body)>>10)
			}
		})
	}
}

// Bodies of the same size and shape that validator may check at a cost
// close to their size are decoded and checked.
func TestBodiesOfManyObjectsAreValidated(t *testing.T) {
	full := `{"a1":"x","a2":"x","a3":"x","a4":"x","a5":"x","a6":"x","a7":"x","a8":"x","a9":"x","a10":"x"}`
	bodies := map[string]struct {
		body  string
		valid bool
	}{
		"complete objects":          {`{"name":"n","items":[` + strings.TrimSuffix(strings.Repeat(full+",", 10_000), ",") + `]}`, true},
		"a few missing fields each": {`{"name":"n","items":[` + strings.TrimSuffix(strings.Repeat(`{"a1":"x","a2":"x","a3":"x","a4":"x","a5":"x","a6":"x","a7":"x","a8":"x"},`, 10_000), ",") + `]}`, false},
		"a chain 50 deep":           {strings.Repeat(`{"name":"n","next":`, 50) + `{"name":"n"}` + strings.Repeat(`}`, 50), true},
	}
	for name, tt := range bodies {
		t.Run(name, func(t *testing.T) {
			r := testkit.Request("POST", "/", tt.body)
			r.Header.Set("Content-Type", "application/json")
			var v costly
			err := (&JSONDecoder{MaxBytes: 2 << 20}).Decode(httptest.NewRecorder(), r, &v)
			p := problemOf(err)
			switch {
			case tt.valid && err != nil:
				t.Fatalf("%d-byte body refused: %v", len(tt.body), err)
			case !tt.valid && (p == nil || !hasFieldErrors(p)):
				t.Fatalf("%d-byte body: %v, want its field errors", len(tt.body), err)
			}
		})
	}
}

func hasFieldErrors(p *problem.Problem) bool {
	errs, _ := p.Extension("errors")
	l, _ := errs.([]problem.FieldError)
	return len(l) > 0
}

type sparseItem struct {
	ID   int      `json:"id"`
	Note string   `json:"note" validate:"max=64"`
	Tags []string `json:"tags" validate:"dive,max=10"`
}

// Fields left out whose tags pass the zero value (max, dive) cost
// validator no error, and are not charged: many small objects that leave
// them out are decoded.
func TestLeftOutOptionalFieldsAreNotCharged(t *testing.T) {
	body := `{"items":[` + strings.TrimSuffix(strings.Repeat(`{"id":1},`, 100_000), ",") + `]}`
	r := testkit.Request("POST", "/", body)
	r.Header.Set("Content-Type", "application/json")
	var v struct {
		Items []sparseItem `json:"items" validate:"dive"`
	}
	if err := (&JSONDecoder{}).Decode(httptest.NewRecorder(), r, &v); err != nil || len(v.Items) != 100_000 {
		t.Fatalf("%d-byte body: %v, %d items", len(body), err, len(v.Items))
	}
}

func TestRefusesZero(t *testing.T) {
	str, ints := reflect.TypeFor[string](), reflect.TypeFor[[]string]()
	for _, tt := range []struct {
		t    reflect.Type
		tag  string
		want bool
	}{
		{str, "required", true}, {str, "min=1", true}, {str, "email", true}, {str, "oneof=a b", true},
		{str, "max=64", false}, {str, "omitempty,min=1", false}, {str, "", false}, {str, "-", false},
		{ints, "dive,max=10", false}, {ints, "required", true}, {ints, "min=1", true},
		{str, "eqfield=Other", true}, {str, "no_such_tag", true},
	} {
		if got := refusesZero(tt.t, tt.tag); got != tt.want {
			t.Errorf("refusesZero(%v, %q) = %v", tt.t, tt.tag, got)
		}
	}
}
