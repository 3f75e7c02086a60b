package contract

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
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

// paramSchema is the schema of a path or query parameter: its Go type's
// (all of them, when several steps check it), or a string; either
// matching re, its regexp in the pattern. A string check next to another
// adds nothing: every value the other takes, it takes too, and allOf a
// string and an integer no value meets.
func paramSchema(types []reflect.Type, re string) json.RawMessage {
	if others := slices.DeleteFunc(slices.Clone(types), func(t reflect.Type) bool { return t.Kind() == reflect.String }); len(others) > 0 {
		types = others
	}
	s := map[string]any{"type": "string"}
	switch len(types) {
	case 0:
	case 1:
		s = (&schemaGen{}).of(types[0], false)
	default:
		all := make([]any, len(types))
		for i, t := range types {
			all[i] = (&schemaGen{}).of(t, false)
		}
		s = map[string]any{"allOf": all}
	}
	if re != "" {
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

func str(v any) string {
	s, _ := v.(string)
	return s
}
