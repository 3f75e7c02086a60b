package contract

import (
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

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
