package bind

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chiguard/chiguard/internal/jsonfield"
	"github.com/chiguard/chiguard/problem"
)

// encoding/json stops at its first type error or unknown member and names
// it with a dotted path that leaves out array indices. To list every bad
// field with an exact JSON Pointer, a refused body is walked again (see
// walker) in report mode, next to the target's type, with the rules
// encoding/json applies. If the walk finds nothing, encoding/json's own
// error is reported.

// isFieldError reports decoding errors that are about one field of a
// well-formed body.
func isFieldError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te) || strings.HasPrefix(err.Error(), "json: unknown field ")
}

// fieldProblem is the 400 for a body of JSON that does not fit t; err is
// encoding/json's error, if it got that far.
func fieldProblem(data []byte, t reflect.Type, err error, strict bool) *problem.Problem {
	if err != nil && !isFieldError(err) {
		// An UnmarshalJSON method or a `json:",string"` field refused a
		// value; the walk finds where.
		err = nil
	}
	w := walker{data: data, strict: strict, report: true}
	w.document(t)
	if len(w.errs.errs) == 0 {
		w.errs.add(fallbackFieldError(err))
	}
	return w.errs.problem()
}

// fallbackFieldError converts encoding/json's own error into a detail and
// the tokens of its pointer.
func fallbackFieldError(err error) (string, []string) {
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		var tokens []string
		if te.Field != "" {
			tokens = strings.Split(te.Field, ".")
		}
		if len(tokens) > maxWalkDepth {
			return "has a value of the wrong type, nested too deep to locate", nil
		}
		return kindDetail(te.Type), tokens
	case err != nil && strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return detailUnknown, []string{name}
	}
	return "is not a valid value", nil
}

const (
	detailUnknown  = "is not a known field"
	detailRepeated = "appears more than once"
	detailQuoted   = "must be sent as a string" // `json:",string"`
)

// The walk locates no error deeper than maxWalkDepth reference tokens, so
// that a hostile body (a deeply nested recursive type) makes no huge
// pointer; errorList bounds the rest.
const maxWalkDepth = 64

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
	numberType      = reflect.TypeFor[json.Number]()
)

// leafDetail says what is wrong with raw, a JSON value other than null, as
// a value of ti: one that decodes itself, or one that is not an object or
// array; "" when nothing is.
func leafDetail(ti *typeInfo, raw []byte) string {
	t := ti.t
	if ti.self {
		if ti.textOnly && raw[0] != '"' {
			return "must be a string"
		}
		if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
			if t == timeType {
				return "must be a date and time in RFC 3339 format"
			}
			return "is not a valid value"
		}
		return ""
	}
	switch t.Kind() {
	case reflect.Interface:
	case reflect.String:
		if t == numberType {
			return numberLiteralDetail(raw)
		}
		if raw[0] != '"' {
			return kindDetail(t)
		}
	case reflect.Bool:
		if raw[0] != 't' && raw[0] != 'f' {
			return kindDetail(t)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return numberDetail(string(raw), t)
	case reflect.Slice:
		if raw[0] == '"' && t.Elem().Kind() == reflect.Uint8 {
			var s string
			if json.Unmarshal(raw, &s) != nil || base64Invalid(s) {
				return "must be a base64 string"
			}
			return ""
		}
		return kindDetail(t)
	default:
		return kindDetail(t)
	}
	return ""
}

// numberLiteralDetail says what is wrong with raw as a json.Number, which
// encoding/json takes as a number or a string holding one.
func numberLiteralDetail(raw []byte) string {
	switch raw[0] {
	case 't', 'f':
		return "must be a number"
	case '"':
		// Under `json:",string"`, raw is what the quotes held: any text.
		s := walker{data: raw}
		if s.str(); s.bad || s.pos != len(raw) {
			return "must be a number"
		}
		n := walker{data: unquote(raw[1 : len(raw)-1])}
		if n.number(); n.bad || n.pos != len(n.data) {
			return "must be a number"
		}
	}
	return ""
}

// quotedDetail is leafDetail for the string raw given to a field tagged
// `json:",string"`: the value is inside the quotes.
func quotedDetail(ti *typeInfo, raw []byte) string {
	inner := unquote(raw[1 : len(raw)-1])
	switch {
	case string(inner) == "null":
		return ""
	case len(inner) == 0:
		return kindDetail(ti.t)
	}
	return leafDetail(ti, inner)
}

func base64Invalid(s string) bool {
	_, err := base64.StdEncoding.DecodeString(s)
	return err != nil
}

// numberDetail says what is wrong with the JSON number s for kind t, or "".
func numberDetail(s string, t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		if _, err := strconv.ParseInt(s, 10, bits); errors.Is(err, strconv.ErrRange) {
			lo, hi := int64(math.MinInt64)>>(64-bits), int64(math.MaxInt64)>>(64-bits)
			return "must be an integer from " + strconv.FormatInt(lo, 10) + " to " + strconv.FormatInt(hi, 10)
		} else if err != nil {
			return kindDetail(t)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		bits := t.Bits()
		if _, err := strconv.ParseUint(s, 10, bits); errors.Is(err, strconv.ErrRange) {
			return "must be an integer from 0 to " + strconv.FormatUint(uint64(math.MaxUint64)>>(64-bits), 10)
		} else if err != nil {
			return kindDetail(t)
		}
	case reflect.Float32, reflect.Float64:
		if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
			return kindDetail(t)
		}
		if _, err := strconv.ParseFloat(s, t.Bits()); err != nil {
			return "must be a number within the range of a " + strconv.Itoa(t.Bits()) + "-bit float"
		}
	}
	return ""
}

// kindDetail names the JSON type a Go type expects.
func kindDetail(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "is not a valid value"
	}
	if t == numberType { // a string kind that holds a number
		return "must be a number"
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "must be an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	case reflect.Slice, reflect.Array:
		return "must be an array"
	case reflect.Struct, reflect.Map:
		return "must be an object"
	}
	return "is not a valid value"
}

// typeInfo is what the walker needs of a type, built once per type.
type typeInfo struct {
	t        reflect.Type // pointers removed
	kind     infoKind
	self     bool // has UnmarshalJSON, or UnmarshalText
	textOnly bool // has UnmarshalText only, which takes strings only
	numKeys  bool // a map whose keys are numbers
	fields   []jsonfield.Field
	must     []int          // fields whose validate tag refuses their zero value, roughly
	dives    []int8         // per field: container levels validator visits, -1 for none
	byName   map[string]int // for structs with many fields
	subs     []atomic.Pointer[typeInfo]
}

type infoKind uint8

const (
	kindScalar infoKind = iota
	kindStruct
	kindMap
	kindList   // slice or array
	kindAny    // empty interface: encoding/json makes maps, slices and scalars
	kindOpaque // a non-empty interface: encoding/json refuses what it cannot fill
)

var typeInfos sync.Map // reflect.Type (no pointer) -> *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	t = derefType(t)
	if ti, ok := typeInfos.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{t: t}
	switch pt := reflect.PointerTo(t); {
	case pt.Implements(jsonUnmarshaler):
		ti.self = true
	case pt.Implements(textUnmarshaler):
		ti.self, ti.textOnly = true, true
	}
	switch t.Kind() {
	case reflect.Struct:
		ti.kind, ti.fields = kindStruct, jsonfield.Of(t)
		ti.subs = make([]atomic.Pointer[typeInfo], len(ti.fields))
		ti.dives = make([]int8, len(ti.fields))
		for i, f := range ti.fields {
			tag := t.FieldByIndex(f.Index).Tag.Get("validate")
			if refusesZero(f.Type, tag) {
				ti.must = append(ti.must, i)
			}
			ti.dives[i] = int8(min(strings.Count(tag, "dive")+strings.Count(tag, "keys"), 64))
			if tag == "-" {
				ti.dives[i] = -1
			}
		}
		if len(ti.fields) > 8 {
			ti.byName = make(map[string]int, len(ti.fields))
			for i, f := range ti.fields {
				ti.byName[f.Name] = i
			}
		}
	case reflect.Map:
		kt := t.Key()
		ti.kind, ti.subs = kindMap, make([]atomic.Pointer[typeInfo], 1)
		ti.numKeys = kt.Kind() != reflect.String && !reflect.PointerTo(kt).Implements(textUnmarshaler)
	case reflect.Slice, reflect.Array:
		ti.kind, ti.subs = kindList, make([]atomic.Pointer[typeInfo], 1)
	case reflect.Interface:
		ti.kind = kindOpaque
		if t.NumMethod() == 0 {
			ti.kind = kindAny
		}
	}
	actual, _ := typeInfos.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

// refusesZero reports whether a validate tag may fail on a field of type t
// that the body leaves out: what the shared validator says of the zero
// value. A tag it cannot check alone (a custom tag, one that compares
// fields) counts as refusing: the budget then errs on the safe side.
func refusesZero(t reflect.Type, tag string) (refuses bool) {
	first, _, _ := strings.Cut(tag, ",")
	switch first {
	case "", "-", "omitempty", "omitnil", "omitzero":
		return false
	}
	defer func() {
		if recover() != nil {
			refuses = true
		}
	}()
	return defaultValidator().Var(reflect.Zero(t).Interface(), tag) != nil
}

// sub is the typeInfo of field i of a struct, or of the elements of a map,
// slice or array (i is 0); resolved on first use, since types can be
// recursive.
func (ti *typeInfo) sub(i int) *typeInfo {
	if s := ti.subs[i].Load(); s != nil {
		return s
	}
	var t reflect.Type
	if ti.kind == kindStruct {
		t = ti.fields[i].Type
	} else {
		t = ti.t.Elem()
	}
	s := infoOf(t)
	ti.subs[i].Store(s)
	return s
}

// field is the index of the field whose JSON name is name, exactly; -1
// when there is none.
func (ti *typeInfo) field(name []byte) int {
	if ti.byName != nil {
		if i, ok := ti.byName[string(name)]; ok {
			return i
		}
		return -1
	}
	for i := range ti.fields {
		if ti.fields[i].Name == string(name) {
			return i
		}
	}
	return -1
}
