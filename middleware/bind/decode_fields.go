package bind

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chiguard/chiguard/problem"
)

// encoding/json stops at its first type error or unknown member and names
// it with a dotted path that leaves out array indices. To list every bad
// field with an exact JSON Pointer, a body that failed to decode is walked
// again here, next to the target's type, with the rules encoding/json
// applies. This runs only for bodies already refused; if the walk finds
// nothing, encoding/json's own error is reported.

// isFieldError reports decoding errors that are about one field of a
// well-formed body.
func isFieldError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te) || strings.HasPrefix(err.Error(), "json: unknown field ")
}

// fieldProblem is the 400 for a well-formed body that does not fit v.
func fieldProblem(data []byte, v any, err error, strict bool) *problem.Problem {
	if !isFieldError(err) {
		// An UnmarshalJSON method refused a value; the walk finds where.
		err = nil
	}
	w := shapeWalker{strict: strict}
	w.walk(data, reflect.TypeOf(v), nil)
	if len(w.errs) == 0 {
		w.errs = append(w.errs, fallbackFieldError(err))
	}
	return invalidBody(w.errs)
}

// fallbackFieldError converts encoding/json's own error.
func fallbackFieldError(err error) problem.FieldError {
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		var tokens []string
		if te.Field != "" {
			tokens = strings.Split(te.Field, ".")
		}
		if len(tokens) > maxWalkDepth {
			return problem.BodyError("has a value of the wrong type, nested too deep to locate")
		}
		return problem.BodyError(kindDetail(te.Type), tokens...)
	case err != nil && strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return problem.BodyError(detailUnknown, name)
	}
	return problem.BodyError("is not a valid value")
}

const detailUnknown = "is not a known field"

// The walk stops at maxFieldErrors errors and does not look deeper than
// maxWalkDepth levels, so a hostile body (a long array of wrong values, a
// deeply nested recursive type) costs neither a huge problem nor time
// quadratic in its size.
const (
	maxFieldErrors = 100
	maxWalkDepth   = 64
)

type shapeWalker struct {
	strict bool
	errs   []problem.FieldError
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	timeType        = reflect.TypeFor[time.Time]()
)

func (w *shapeWalker) fail(path []string, detail string) {
	if len(w.errs) < maxFieldErrors {
		w.errs = append(w.errs, problem.BodyError(detail, path...))
	}
}

// walk checks the JSON value raw against type t at path.
func (w *shapeWalker) walk(raw []byte, t reflect.Type, path []string) {
	if len(w.errs) >= maxFieldErrors || len(path) > maxWalkDepth {
		return
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return // null leaves any Go value as it is
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || (raw[0] == '"' && pt.Implements(textUnmarshaler)) {
		if json.Unmarshal(raw, reflect.New(t).Interface()) != nil {
			detail := "is not a valid value"
			if t == timeType {
				detail = "must be a date and time in RFC 3339 format"
			}
			w.fail(path, detail)
		}
		return
	}
	switch t.Kind() {
	case reflect.Interface:
	case reflect.Struct:
		w.object(raw, t, path)
	case reflect.Map:
		w.mapObject(raw, t, path)
	case reflect.Slice:
		if raw[0] == '"' && t.Elem().Kind() == reflect.Uint8 {
			var s string
			if json.Unmarshal(raw, &s) != nil || base64Invalid(s) {
				w.fail(path, "must be a base64 string")
			}
			return
		}
		w.array(raw, t, path)
	case reflect.Array:
		w.array(raw, t, path)
	case reflect.String:
		if raw[0] != '"' {
			w.fail(path, kindDetail(t))
		}
	case reflect.Bool:
		if raw[0] != 't' && raw[0] != 'f' {
			w.fail(path, kindDetail(t))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		if d := numberDetail(string(raw), t); d != "" {
			w.fail(path, d)
		}
	}
}

func base64Invalid(s string) bool {
	_, err := base64.StdEncoding.DecodeString(s)
	return err != nil
}

// members calls fn for each member of the JSON object raw, in order.
func members(raw []byte, fn func(key string, value []byte)) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return true
		}
		var value json.RawMessage
		if dec.Decode(&value) != nil {
			return true
		}
		fn(key, value)
	}
	return true
}

// elements calls fn for each element of the JSON array raw, in order.
func elements(raw []byte, fn func(i int, value []byte)) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return false
	}
	for i := 0; dec.More(); i++ {
		var value json.RawMessage
		if dec.Decode(&value) != nil {
			return true
		}
		fn(i, value)
	}
	return true
}

func (w *shapeWalker) object(raw []byte, t reflect.Type, path []string) {
	fields := jsonFieldsOf(t)
	ok := members(raw, func(key string, value []byte) {
		sub := append(path[:len(path):len(path)], key)
		f := fields.lookup(key)
		switch {
		case f == nil:
			if w.strict {
				w.fail(sub, detailUnknown)
			}
		case f.quoted && value[0] == '"':
			// `json:",string"`: the value is inside the quotes.
			var s string
			if json.Unmarshal(value, &s) == nil {
				w.walk([]byte(s), f.typ, sub)
			}
		default:
			w.walk(value, f.typ, sub)
		}
	})
	if !ok {
		w.fail(path, "must be an object")
	}
}

func (w *shapeWalker) mapObject(raw []byte, t reflect.Type, path []string) {
	kt := t.Key()
	ok := members(raw, func(key string, value []byte) {
		sub := append(path[:len(path):len(path)], key)
		if !reflect.PointerTo(kt).Implements(textUnmarshaler) && kt.Kind() != reflect.String {
			if d := numberDetail(key, kt); d != "" {
				w.fail(sub, "is a key that "+d)
				return
			}
		}
		w.walk(value, t.Elem(), sub)
	})
	if !ok {
		w.fail(path, "must be an object")
	}
}

func (w *shapeWalker) array(raw []byte, t reflect.Type, path []string) {
	ok := elements(raw, func(i int, value []byte) {
		if t.Kind() == reflect.Array && i >= t.Len() {
			return // encoding/json drops the extra elements
		}
		w.walk(value, t.Elem(), append(path[:len(path):len(path)], strconv.Itoa(i)))
	})
	if !ok {
		w.fail(path, "must be an array")
	}
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

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	name   string
	typ    reflect.Type
	quoted bool // `json:",string"`
	tagged bool
	depth  int
	goName string // for mapping validator namespaces
	index  []int
}

type jsonFields []jsonField

// lookup finds the field for an object key the way encoding/json does:
// the exact name first, then a case-insensitive match.
func (fs jsonFields) lookup(key string) *jsonField {
	for i := range fs {
		if fs[i].name == key {
			return &fs[i]
		}
	}
	for i := range fs {
		if strings.EqualFold(fs[i].name, key) {
			return &fs[i]
		}
	}
	return nil
}

var jsonFieldCache sync.Map // reflect.Type -> jsonFields

// jsonFieldsOf lists the fields encoding/json decodes into for struct t:
// exported fields not tagged "-", with the fields of untagged embedded
// structs promoted; of several fields with one name, the shallowest wins,
// then the only tagged one, else none.
func jsonFieldsOf(t reflect.Type) jsonFields {
	if fs, ok := jsonFieldCache.Load(t); ok {
		return fs.(jsonFields)
	}
	var all []jsonField
	collectFields(t, nil, 0, map[reflect.Type]bool{}, &all)
	byName := map[string][]int{}
	var order []string
	for i, f := range all {
		if _, seen := byName[f.name]; !seen {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], i)
	}
	var fs jsonFields
	for _, name := range order {
		if f, ok := dominant(all, byName[name]); ok {
			fs = append(fs, f)
		}
	}
	jsonFieldCache.Store(t, fs)
	return fs
}

func dominant(all []jsonField, idx []int) (jsonField, bool) {
	depth := all[idx[0]].depth
	var cands []jsonField
	for _, i := range idx {
		if all[i].depth < depth {
			depth, cands = all[i].depth, cands[:0]
		}
		if all[i].depth == depth {
			cands = append(cands, all[i])
		}
	}
	if len(cands) == 1 {
		return cands[0], true
	}
	var tagged []jsonField
	for _, c := range cands {
		if c.tagged {
			tagged = append(tagged, c)
		}
	}
	if len(tagged) == 1 {
		return tagged[0], true
	}
	return jsonField{}, false
}

func collectFields(t reflect.Type, index []int, depth int, visiting map[reflect.Type]bool, out *[]jsonField) {
	if visiting[t] {
		return
	}
	visiting[t] = true
	defer delete(visiting, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		ft := sf.Type
		if sf.Anonymous {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if !sf.IsExported() && ft.Kind() != reflect.Struct {
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(index[:len(index):len(index)], i)
		tagged := name != ""
		if !tagged && sf.Anonymous && ft.Kind() == reflect.Struct {
			collectFields(ft, idx, depth+1, visiting, out)
			continue
		}
		if !tagged {
			name = sf.Name
		}
		quoted := false
		for o := range strings.SplitSeq(opts, ",") {
			quoted = quoted || o == "string"
		}
		*out = append(*out, jsonField{name: name, typ: sf.Type, quoted: quoted, tagged: tagged,
			depth: depth, goName: sf.Name, index: idx})
	}
}
