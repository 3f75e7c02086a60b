package contract

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chiguard/chiguard/internal/jsonfield"
)

// Schema returns the JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it)
// of the JSON values bind's decoder accepts into a value of type t: the
// members encoding/json fills, named exactly as their json tags say, no
// others unless allowUnknown, the values their Go types hold, and the
// constraints of the validate tags that JSON Schema can state (required,
// min, max, len, gt, gte, lt, lte, oneof, email, url, uri, uuid) where
// validator checks them: on a struct body's fields, and on elements along
// a dive. A member whose tag refuses its zero value must be sent; the
// rules after omitempty or omitzero hold for a value that is not zero.
// Rules it cannot state (cross-field, custom and or-rules, those of a
// `json:",string"` field or of a type that decodes itself) are quoted in
// the field's description, and the schema accepts the values they
// refuse. A null member, which the decoder takes as absent, is allowed
// only where it means something: for pointers, slices and maps. JSON
// Schema sees neither a repeated member nor how a number is spelled,
// which the decoder refuses (1.0 or 1e2 for an integer). A type that
// decodes itself (json.Unmarshaler) is described by name only.
func Schema(t reflect.Type, allowUnknown bool) json.RawMessage {
	return schemaJSON(t, allowUnknown)
}

func schemaJSON(t reflect.Type, allowUnknown bool) json.RawMessage {
	if t == nil {
		return json.RawMessage("{}")
	}
	g := schemaGen{strict: !allowUnknown}
	// validator checks the tags of a struct body only (bind.JSONDecoder
	// validates structs, behind any pointers).
	b, err := json.Marshal(g.of(t, derefType(t).Kind() == reflect.Struct))
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}

// paramSchema is the schema of a path parameter: its Go type's, or a
// string that matches the pattern's regexp.
func paramSchema(t reflect.Type, pattern, name string) json.RawMessage {
	s := map[string]any{"type": "string"}
	if t != nil {
		s = (&schemaGen{}).of(t, false)
	}
	if re := patternRegexp(pattern, name); re != "" {
		if !strings.HasPrefix(re, "^") {
			re = "^" + re
		}
		if !strings.HasSuffix(re, "$") {
			re += "$"
		}
		s["pattern"] = re
	}
	b, _ := json.Marshal(s)
	return b
}

type schemaGen struct {
	strict bool
	stack  []reflect.Type // structs being described, against recursion
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	numberType      = reflect.TypeFor[json.Number]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether encoding/json hands values of t to an
// UnmarshalJSON or UnmarshalText method, as it does when t or *t has one.
func decodesItself(t, iface reflect.Type) bool {
	return t.Implements(iface) || t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(iface)
}

func derefType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// rfc3339 narrows format date-time to what time.Time reads: RFC 3339's
// upper-case T and Z only, and no leap second.
const rfc3339 = `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`

// jsonNumber is the grammar of a JSON number (RFC 8259 §6), which a
// json.Number sent as a string must follow.
const jsonNumber = `^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`

// maxFloat32 is the least magnitude strconv.ParseFloat rounds past the
// largest float32, and refuses: 2^128 - 2^103. maxFloat64 is the largest
// float64 as Go spells it; the few longer spellings that ParseFloat
// rounds down to it, but exceed it, are refused.
const (
	maxFloat32 = json.Number("340282356779733661637539395458142568448")
	maxFloat64 = json.Number("1.7976931348623157e308")
)

// of is the schema of the JSON values encoding/json decodes into a t.
// validated says whether validator checks the value's tags: it does for
// the fields of a validated struct, and for elements only along a "dive".
func (g *schemaGen) of(t reflect.Type, validated bool) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time", "pattern": rfc3339}
	case t == rawMessageType:
		return map[string]any{}
	case t == numberType:
		// A JSON number, or a string that spells one.
		return map[string]any{"type": []any{"number", "string"}, "pattern": jsonNumber}
	case t.Kind() != reflect.Pointer && decodesItself(t, jsonUnmarshaler):
		return map[string]any{"description": "A " + t.String() + ", as its UnmarshalJSON method reads it."}
	case t.Kind() != reflect.Pointer && decodesItself(t, textUnmarshaler):
		return map[string]any{"type": "string", "description": "A " + t.String() + ", as its UnmarshalText method reads it."}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem(), validated))
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		lo, hi := intRange(t)
		return map[string]any{"type": "integer", "format": "int64", "minimum": lo, "maximum": hi}
	case reflect.Int8, reflect.Int16, reflect.Int32:
		lo, hi := intRange(t)
		return map[string]any{"type": "integer", "format": "int32", "minimum": lo, "maximum": hi}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer", "minimum": 0, "maximum": uint64(math.MaxUint64) >> (64 - t.Bits())}
	case reflect.Float32:
		return map[string]any{"type": "number", "format": "float",
			"exclusiveMinimum": "-" + maxFloat32, "exclusiveMaximum": maxFloat32}
	case reflect.Float64:
		return map[string]any{"type": "number", "format": "double",
			"minimum": "-" + maxFloat64, "maximum": maxFloat64}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return map[string]any{"type": "null"} // encoding/json can fill no other value
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !decodesItself(t.Elem(), textUnmarshaler) {
			// A base64 string, or an array of bytes.
			return map[string]any{"type": []any{"string", "array", "null"}, "contentEncoding": "base64",
				"items": g.of(t.Elem(), false)}
		}
		return map[string]any{"type": []any{"array", "null"}, "items": g.of(t.Elem(), false)}
	case reflect.Array:
		return g.array(t, g.of(t.Elem(), false))
	case reflect.Map:
		s := map[string]any{"type": []any{"object", "null"}, "additionalProperties": g.of(t.Elem(), false)}
		if k := t.Key(); decodesItself(k, textUnmarshaler) {
			s["description"] = "Its keys are " + k.String() + " values, as its UnmarshalText method reads them."
		} else {
			switch k.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				s["propertyNames"] = map[string]any{"pattern": "^" + integerPattern(k, true) + "$"}
			}
		}
		return s
	case reflect.Struct:
		return g.object(t, validated)
	}
	return map[string]any{}
}

// maxPrefixItems bounds the Go arrays described element by element.
const maxPrefixItems = 64

// array is the schema of a Go array of elements elem: encoding/json fills
// it from a JSON array of any length, zeroing the elements it lacks and
// skipping, unread, those it has no room for.
func (g *schemaGen) array(t reflect.Type, elem map[string]any) map[string]any {
	if t.Len() > maxPrefixItems {
		return map[string]any{"type": "array", "items": elem,
			"description": "Elements past the first " + strconv.Itoa(t.Len()) + " are ignored."}
	}
	prefix := make([]any, t.Len())
	for i := range prefix {
		prefix[i] = elem
	}
	return map[string]any{"type": "array", "prefixItems": prefix}
}

// intRange is the range of the integer type t.
func intRange(t reflect.Type) (lo, hi int64) {
	return math.MinInt64 >> (64 - t.Bits()), math.MaxInt64 >> (64 - t.Bits())
}

// integerPattern is a regexp, without anchors, of the decimal strings
// strconv.ParseInt or ParseUint reads into a value of the integer type t
// (leading zeros allowed, a "+" too where sign is true); map keys and
// `json:",string"` values are read so. The exact range of a 64-bit type
// would take a regexp of a kilobyte: its pattern bounds the digits only.
func integerPattern(t reflect.Type, sign bool) string {
	unsigned := t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr
	plus, signs := "", "-?"
	if sign {
		plus, signs = `\+?`, "[-+]?"
	}
	switch {
	case unsigned && t.Bits() == 64:
		return "0*[0-9]{1,20}"
	case unsigned:
		return "0*" + upTo(strconv.FormatUint(uint64(math.MaxUint64)>>(64-t.Bits()), 10))
	case t.Bits() == 64:
		return signs + "0*[0-9]{1,19}"
	}
	lo, hi := intRange(t)
	return "(" + plus + "0*" + upTo(strconv.FormatInt(hi, 10)) + "|-0*" + upTo(strings.TrimPrefix(strconv.FormatInt(lo, 10), "-")) + ")"
}

// upTo is a regexp, without anchors, of the decimal numbers from 0 to n,
// with no leading zeros.
func upTo(n string) string {
	if len(n) == 1 {
		return "[0-" + n + "]"
	}
	digits := func(k int) string {
		switch k {
		case 0:
			return ""
		case 1:
			return "[0-9]"
		}
		return "[0-9]{" + strconv.Itoa(k) + "}"
	}
	alts := []string{"[0-9]"}
	if len(n) > 2 {
		alts = append(alts, "[1-9][0-9]{1,"+strconv.Itoa(len(n)-2)+"}")
	}
	for i := range len(n) {
		lo, hi := byte('0'), n[i]-1
		if i == 0 {
			lo = '1'
		}
		switch {
		case hi < lo:
			continue
		case hi == lo:
			alts = append(alts, n[:i]+string(lo)+digits(len(n)-i-1))
		default:
			alts = append(alts, n[:i]+"["+string(lo)+"-"+string(hi)+"]"+digits(len(n)-i-1))
		}
	}
	return "(" + strings.Join(append(alts, n), "|") + ")"
}

// nullable lets s be null too, as a pointer can.
func nullable(s map[string]any) map[string]any {
	switch ty := s["type"].(type) {
	case string:
		s["type"] = []any{ty, "null"}
	case []any:
		if !slices.Contains(ty, any("null")) {
			s["type"] = append(ty, "null")
		}
	}
	return s
}

// notNull takes null back out of s's types.
func notNull(s map[string]any) {
	if ty, ok := s["type"].([]any); ok {
		ty = slices.DeleteFunc(slices.Clone(ty), func(v any) bool { return v == "null" })
		if len(ty) == 1 {
			s["type"] = ty[0]
		} else {
			s["type"] = ty
		}
	}
}

func (g *schemaGen) object(t reflect.Type, validated bool) map[string]any {
	if slices.Contains(g.stack, t) {
		return map[string]any{"type": "object", "description": "A " + t.String() + ", as above."}
	}
	g.stack = append(g.stack, t)
	defer func() { g.stack = g.stack[:len(g.stack)-1] }()
	props := map[string]any{}
	var required []string
	// The fields bind's decoder matches members against, so the schema
	// takes exactly the names the decoder does.
	fields := jsonfield.Of(t)
	// The members under an embedded struct pointer, by its place: the
	// decoder allocates the struct, and validator checks its fields, only
	// when one of them is sent.
	groups := make([][]string, len(fields)) // the places of the pointers above each field
	members := map[string][]string{}
	for i, f := range fields {
		cur := t
		for j, x := range f.Index[:len(f.Index)-1] {
			ft := cur.Field(x).Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
				key := fmt.Sprint(f.Index[:j+1])
				groups[i] = append(groups[i], key)
				members[key] = append(members[key], f.Name)
			}
			cur = ft
		}
	}
	dependent := map[string][]string{}
	for i, f := range fields {
		tag := t.FieldByIndex(f.Index).Tag.Get("validate")
		checked := validated && tag != "-" // validator skips a field tagged "-"
		var s map[string]any
		refusesZero := false
		if f.Quoted {
			s = quoted(f.Type)
			if checked && tag != "" {
				// The rules apply to the value in the string: said in words.
				refusesZero = g.constrain(map[string]any{}, f.Type, tag)
				s["description"] = strings.TrimSpace(str(s["description"]) + " Also validated as `" + tag + "`.")
			}
		} else {
			inner := checked && !skipsZeroStruct(f.Type, tag)
			s = g.of(f.Type, inner)
			if checked {
				refusesZero = g.constrain(s, f.Type, tag)
				// A struct left out is its zero value, whose fields
				// validator checks: so is one whose fields must be sent.
				if inner && isPlainStruct(f.Type) && len(strs(s["required"])) > 0 {
					refusesZero = true
				}
			}
		}
		if refusesZero {
			notNull(s)
			if g := groups[i]; len(g) > 0 {
				for _, m := range members[g[len(g)-1]] {
					if m != f.Name {
						dependent[m] = append(dependent[m], f.Name)
					}
				}
			} else {
				required = append(required, f.Name)
			}
		}
		props[f.Name] = s
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	if len(dependent) > 0 {
		s["dependentRequired"] = dependent
	}
	if g.strict {
		s["additionalProperties"] = false
	}
	return s
}

func strs(v any) []string {
	s, _ := v.([]string)
	return s
}

// isPlainStruct reports a struct type whose fields validator checks.
func isPlainStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != timeType &&
		!decodesItself(t, jsonUnmarshaler) && !decodesItself(t, textUnmarshaler)
}

// skipsZeroStruct reports a struct field whose tag starts with omitempty
// or omitzero: validator then checks its fields only when one of them is
// not zero, which the schema says in words.
func skipsZeroStruct(t reflect.Type, tag string) bool {
	first, _, _ := strings.Cut(tag, ",")
	return isPlainStruct(t) && (first == "omitempty" || first == "omitzero")
}

// quotedLiteral is the grammar of a JSON string.
const quotedLiteral = `"([^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"`

// quoted is the schema of a field tagged `json:",string"`: a string that
// holds the JSON value, or "null"; JSON null leaves the field as it is.
func quoted(t reflect.Type) map[string]any {
	s := map[string]any{"type": "string", "description": t.String() + ", written as a JSON string."}
	base := t
	if t.Kind() == reflect.Pointer {
		base = t.Elem()
		s["type"] = []any{"string", "null"}
	}
	switch base.Kind() {
	case reflect.Bool:
		s["pattern"] = "^(true|false|null)$"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s["pattern"] = "^(" + integerPattern(base, false) + "|null)$"
	case reflect.String:
		s["pattern"] = "^(" + quotedLiteral + "|null)$"
	}
	return s
}

func isScalar(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// stated are the rules applyRule can state; as the first rule of a
// pointer's tag, each refuses a nil pointer, as validator does with every
// rule but the omit ones and those that run on nil (required_if, ...).
var stated = map[string]bool{"required": true, "min": true, "max": true, "len": true, "gt": true, "gte": true,
	"lt": true, "lte": true, "oneof": true, "email": true, "url": true, "uri": true, "uuid": true}

// constrain adds to s what the validate tag says of a value of type t,
// and reports whether the tag refuses t's zero value (a nil pointer, an
// empty string...), which a member left out or null leaves: such a
// member must be sent.
func (g *schemaGen) constrain(s map[string]any, t reflect.Type, tag string) (refusesZero bool) {
	if tag == "" || tag == "-" {
		return false
	}
	base := derefType(t)
	kind := kindOf(base)
	ptr := t.Kind() == reflect.Pointer
	rules := strings.Split(tag, ",")
	if first, _, _ := strings.Cut(rules[0], "="); ptr {
		refusesZero = stated[first] && !strings.Contains(rules[0], "|")
	}
	target := s             // where the rules go
	var cond map[string]any // the rules after an omitempty, for a value that is not zero
	var zero any            // the value an omitempty lets through unchecked
	omitted := false        // nil goes unchecked
	var unsaid []string
	for i := 0; i < len(rules); i++ {
		rule := rules[i]
		name, arg, _ := strings.Cut(rule, "=")
		switch {
		case strings.Contains(rule, "|"):
			unsaid = append(unsaid, rule)
			continue
		case name == "dive":
			words, elemsRefuseZero := g.dive(s, base, rules[i+1:])
			unsaid = append(unsaid, words...)
			if elemsRefuseZero && !ptr && !omitted {
				refusesZero = true // a Go array left out holds zero elements
			}
			i = len(rules)
			continue
		case name == "omitnil" || name == "omitempty" && (ptr || kind == "array" || kind == "map"):
			// Only nil goes unchecked, and null passes what the rules say
			// of arrays, objects, strings and numbers.
			omitted = omitted || ptr || base.Kind() == reflect.Slice || base.Kind() == reflect.Map
			continue
		case name == "omitempty" || name == "omitzero":
			zero = zeroOf(base, kind)
			if zero == nil || cond != nil {
				unsaid = append(unsaid, rules[i:]...) // what follows depends on the value: say it in words
				i = len(rules)
				continue
			}
			cond = map[string]any{}
			target = cond
			continue
		}
		if !applyRule(target, t, kind, name, arg) {
			unsaid = append(unsaid, rule)
			continue
		}
		if name == "required" && kind == "" && !ptr && isPlainStruct(base) {
			unsaid = append(unsaid, rule) // with all its fields zero, it counts as left out
		}
		if !omitted && cond == nil && !ptr && zeroFails(kind, name, arg) {
			refusesZero = true
		}
	}
	if len(cond) > 0 {
		switch zero.(type) {
		case []any:
			s["anyOf"] = []any{map[string]any{"maxItems": 0}, cond}
		case map[string]any:
			s["anyOf"] = []any{map[string]any{"maxProperties": 0}, cond}
		default:
			s["anyOf"] = []any{map[string]any{"const": zero}, cond}
		}
	}
	if ptr && !refusesZero {
		// null, a nil pointer, goes unchecked.
		for _, m := range []map[string]any{s, cond} {
			if enum, ok := m["enum"].([]any); ok {
				m["enum"] = append(enum, nil)
			}
		}
	}
	if len(unsaid) > 0 {
		s["description"] = strings.TrimSpace(str(s["description"]) + " Also validated as `" + strings.Join(unsaid, ",") + "`.")
	}
	return refusesZero
}

// zeroOf is the JSON value of the zero value an omitempty or omitzero
// lets through, for a value of kind of type t: the empty array or object
// for the lengths of a slice or map; nil when the schema cannot say it.
func zeroOf(t reflect.Type, kind string) any {
	switch kind {
	case "string":
		return ""
	case "number":
		return 0
	case "bool":
		return false
	case "array":
		if t.Kind() == reflect.Slice {
			return []any{}
		}
	case "map":
		return map[string]any{}
	}
	return nil
}

// zeroFails reports whether rule name=arg, which applyRule stated for a
// value of kind, refuses the zero value.
func zeroFails(kind, name, arg string) bool {
	switch name {
	case "required", "email", "url", "uri", "uuid":
		return true
	case "oneof":
		for _, v := range oneofValues(arg) {
			if n, err := strconv.ParseFloat(v, 64); kind == "number" && err == nil && n == 0 || kind == "string" && v == "" {
				return false
			}
		}
		return true
	}
	n, err := strconv.ParseFloat(arg, 64)
	if err != nil {
		return false
	}
	switch name {
	case "min", "gte":
		return n > 0
	case "gt":
		return n >= 0
	case "max", "lte":
		return n < 0
	case "lt":
		return n <= 0
	case "len":
		return n != 0
	}
	return false
}

// dive states the rules that follow a "dive" in a tag on the elements of
// the slice, array or map s describes, a value of type t: validator
// checks them, and the elements' own tags, along a dive only. It returns
// the rules it cannot place; refusesZero says that they refuse the zero
// element, which fills a Go array sent short.
func (g *schemaGen) dive(s map[string]any, t reflect.Type, rules []string) (unsaid []string, refusesZero bool) {
	rest := strings.Join(rules, ",")
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			break
		}
		items := g.of(t.Elem(), true)
		if t.Kind() == reflect.Array {
			delete(s, "items")
			for k, v := range g.array(t, items) {
				s[k] = v
			}
		} else {
			s["items"] = items
		}
		if refusesZero = g.constrain(items, t.Elem(), rest); refusesZero {
			notNull(items)
			if t.Kind() == reflect.Array {
				s["minItems"] = t.Len()
			}
		}
		return nil, refusesZero && t.Kind() == reflect.Array
	case reflect.Map:
		var keys []string
		if len(rules) > 0 && rules[0] == "keys" {
			end := slices.Index(rules, "endkeys")
			if end < 0 {
				break
			}
			keys, rules = rules[1:end], rules[end+1:]
			rest = strings.Join(rules, ",")
		}
		values := g.of(t.Elem(), true)
		s["additionalProperties"] = values
		if len(keys) > 0 {
			k := t.Key()
			if k.Kind() == reflect.String && !decodesItself(k, textUnmarshaler) {
				names := map[string]any{}
				g.constrain(names, k, strings.Join(keys, ","))
				if d, ok := names["description"].(string); ok {
					delete(names, "description")
					unsaid = append(unsaid, "keys: "+strings.TrimSuffix(strings.TrimPrefix(d, "Also validated as `"), "`."))
				}
				if len(names) > 0 {
					s["propertyNames"] = names
				}
			} else {
				unsaid = append(unsaid, "dive,keys,"+strings.Join(keys, ",")+",endkeys")
			}
		}
		if g.constrain(values, t.Elem(), rest) {
			notNull(values)
		}
		return unsaid, false
	}
	return append([]string{"dive"}, rules...), false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// kindOf sorts types by what their validate rules measure.
func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "" // encoding/json sends a []byte as a base64 string: its length rules count bytes
		}
		return "array"
	case reflect.Map:
		return "map"
	case reflect.Bool:
		return "bool"
	}
	if isScalar(t) {
		return "number"
	}
	return "" // a Go array's length is its type's, whatever the body sends
}

// oneofWords splits a oneof argument as validator does: words, or
// 'quoted words' that may hold spaces, whose quotes are then dropped.
var oneofWords = regexp.MustCompile(`'[^']*'|\S+`)

func oneofValues(arg string) []string {
	vals := oneofWords.FindAllString(arg, -1)
	for i, v := range vals {
		vals[i] = strings.ReplaceAll(v, "'", "")
	}
	return vals
}

// applyRule states one validate rule in s, and reports whether it could.
func applyRule(s map[string]any, t reflect.Type, kind, name, arg string) bool {
	if base := derefType(t); (decodesItself(base, textUnmarshaler) || decodesItself(base, jsonUnmarshaler)) && name != "required" {
		return false // validator checks the decoded value, not the JSON sent
	}
	lengths := map[string][2]string{"string": {"minLength", "maxLength"}, "array": {"minItems", "maxItems"},
		"map": {"minProperties", "maxProperties"}}
	switch name {
	case "required":
		switch {
		case t.Kind() == reflect.Pointer || kind == "array" || kind == "map":
			notNull(s)
		case kind == "string":
			s["minLength"] = max(1, intOf(s["minLength"]))
		case kind == "number":
			s["not"] = map[string]any{"const": 0}
		case kind == "bool":
			s["const"] = true
		}
		return true
	case "email", "url", "uri", "uuid":
		if kind != "string" {
			return false
		}
		// validator's email and url take Unicode, and its uri a reference
		// with no scheme ("/path", "//host"): the formats are those that
		// take all they do.
		s["format"] = map[string]string{"email": "idn-email", "url": "iri", "uri": "iri-reference", "uuid": "uuid"}[name]
		return true
	case "oneof":
		var enum []any
		for _, v := range oneofValues(arg) {
			if kind == "number" {
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return false
				}
				enum = append(enum, n)
			} else {
				enum = append(enum, v)
			}
		}
		if kind != "number" && kind != "string" {
			return false
		}
		s["enum"] = enum
		return true
	}
	n, err := strconv.ParseFloat(arg, 64)
	if err != nil {
		return false
	}
	if kind == "number" {
		key := map[string]string{"min": "minimum", "gte": "minimum", "max": "maximum", "lte": "maximum",
			"gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}[name]
		if key == "" {
			return false
		}
		// The type's own bounds stay where the tag's are looser.
		if old, ok := s[key]; !ok || (strings.HasPrefix(key, "min") || strings.HasPrefix(key, "exclusiveMin")) == (n > number(old)) {
			s[key] = n
		}
		return true
	}
	keys, ok := lengths[kind]
	if !ok || n != math.Trunc(n) || n < 0 {
		return false
	}
	l := int(n)
	least := func(v int) { s[keys[0]] = max(v, intOf(s[keys[0]])) }
	most := func(v int) {
		if old, ok := s[keys[1]].(int); ok {
			v = min(v, old)
		}
		s[keys[1]] = v
	}
	switch name {
	case "min", "gte":
		least(l)
	case "gt":
		least(l + 1)
	case "max", "lte":
		most(l)
	case "lt":
		if l == 0 {
			return false
		}
		most(l - 1)
	case "len":
		least(l)
		most(l)
	default:
		return false
	}
	return true
}

// number is the value of a JSON number in a schema.
func number(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case uint64:
		return float64(n)
	case float64:
		return n
	case json.Number:
		f, _ := n.Float64()
		return f
	}
	return 0
}

func intOf(v any) int {
	n, _ := v.(int)
	return n
}
