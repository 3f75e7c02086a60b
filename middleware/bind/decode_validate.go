package bind

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

// validateTags checks v's `validate` tags and lists one field error per
// failure, located by JSON Pointer. Only structs (behind any pointers) are
// checked.
func validateTags(vd *validator.Validate, v any) (errs errorList) {
	rt := reflect.TypeOf(v)
	for rt != nil && rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	if rt == nil || rt.Kind() != reflect.Struct {
		return errs
	}
	badKind, err := checkStruct(vd, v, rt)
	if badKind {
		errs.add("has a value of a type its rules do not apply to", nil)
		return errs
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return errs
	}
	for _, fe := range verrs {
		if errs.full {
			break
		}
		detail := tagDetail(fe)
		tokens, exact := namespaceTokens(rt, fe.StructNamespace())
		if !exact {
			detail = "has a member that " + detail
		}
		if len(tokens) > maxWalkDepth {
			tokens, detail = tokens[:maxWalkDepth], "has, nested too deep to locate, a member that "+detail
		}
		errs.add(detail, tokens)
	}
	return errs
}

// checkStruct runs validator on v, a pointer to struct rt. validator
// panics on a value of a kind its rule does not apply to ("max" on a bool,
// "oneof" on a number, "dive" on a string, and a parameter the kind cannot
// parse, as "max=1.5" on a string's length): under an interface the client
// chose that kind, so badKind reports it as the client's error. Where rt
// holds no interface, the rule is on the wrong Go type whatever is sent,
// and the panic stays.
func checkStruct(vd *validator.Validate, v any, rt reflect.Type) (badKind bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, _ := p.(string)
			kind := strings.HasPrefix(s, "Bad field type") || strings.HasPrefix(s, "dive error!") ||
				strings.HasPrefix(s, "strconv.")
			if !kind || !holdsInterface(rt, map[reflect.Type]bool{}) {
				panic(p)
			}
			badKind = true
		}
	}()
	return false, vd.Struct(v)
}

// holdsInterface reports whether a value of type t may hold an interface
// value, at any depth.
func holdsInterface(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsInterface(t.Elem(), seen)
	case reflect.Map:
		return holdsInterface(t.Key(), seen) || holdsInterface(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if holdsInterface(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// namespaceTokens turns a validator namespace of Go field names, such as
// "Cloud.Owner.Tags[2].Name", into the JSON Pointer tokens of the same
// place, using the json names ("owner", "tags", "2", "name") and leaving
// out untagged embedded structs, whose fields JSON promotes. A part it
// cannot place (a map key that seems to end early, a field JSON does not
// expose) ends the pointer there, and exact is false: a Go field name is
// never a token.
func namespaceTokens(root reflect.Type, ns string) (tokens []string, exact bool) {
	// validator starts with the root type's name: anonymous structs have
	// none, and generic ones spell theirs with dots.
	if name := root.Name(); name != "" {
		ns = strings.TrimPrefix(ns, name+".")
	}
	cur := root
	for ns != "" {
		end := strings.IndexAny(ns, ".[")
		if end < 0 {
			end = len(ns)
		}
		name := ns[:end]
		ns = ns[end:]
		if name != "" {
			cur = derefType(cur)
			var sf reflect.StructField
			ok := cur != nil && cur.Kind() == reflect.Struct
			if ok {
				sf, ok = cur.FieldByName(name)
			}
			if !ok || sf.Tag.Get("json") == "-" {
				return tokens, false
			}
			tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			switch {
			case tag == "" && sf.Anonymous && derefType(sf.Type).Kind() == reflect.Struct:
			case tag != "":
				tokens = append(tokens, tag)
			default:
				tokens = append(tokens, sf.Name)
			}
			cur = sf.Type
		}
		for strings.HasPrefix(ns, "[") {
			cur = derefType(cur)
			rb := closingBracket(ns, cur)
			if rb < 0 {
				return tokens, false
			}
			tokens = append(tokens, ns[1:rb])
			ns = ns[rb+1:]
			if cur != nil {
				switch cur.Kind() {
				case reflect.Slice, reflect.Array, reflect.Map:
					cur = cur.Elem()
				default:
					cur = nil
				}
			}
		}
		ns = strings.TrimPrefix(ns, ".")
	}
	return tokens, true
}

// closingBracket is the index of the "]" that ends the index or map key at
// the start of ns, which validator writes as it is: a key may hold "]" and
// ".". It is the first "]" after which ns goes on as an element of
// container can, looking one step ahead; -1 if there is none.
func closingBracket(ns string, container reflect.Type) int {
	var elem reflect.Type
	if container != nil {
		switch container.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			elem = derefType(container.Elem())
		}
	}
	for i := 1; i < len(ns); i++ {
		if ns[i] == ']' && continuesAs(ns[i+1:], elem) {
			return i
		}
	}
	return -1
}

// continuesAs reports whether rest, what follows an element in a
// namespace, can start the path below a value of type t.
func continuesAs(rest string, t reflect.Type) bool {
	switch {
	case rest == "":
		return true
	case t == nil:
		return false
	case rest[0] == '[':
		k := t.Kind()
		return k == reflect.Slice || k == reflect.Array || k == reflect.Map
	case rest[0] == '.' && t.Kind() == reflect.Struct:
		name := rest[1:]
		if end := strings.IndexAny(name, ".["); end >= 0 {
			name = name[:end]
		}
		sf, ok := t.FieldByName(name)
		return ok && sf.Tag.Get("json") != "-" // namespaceTokens stops at those
	}
	return false
}

func derefType(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// tagDetail says in words what a failed validation tag asks for.
func tagDetail(fe validator.FieldError) string {
	param := fe.Param()
	kind := fe.Kind()
	var unit string
	switch kind {
	case reflect.String:
		unit = " characters"
	case reflect.Slice, reflect.Array, reflect.Map:
		unit = " items"
	}
	switch fe.Tag() {
	case "required", "required_if", "required_unless", "required_with", "required_with_all",
		"required_without", "required_without_all":
		return detailRequired
	case "min", "gte":
		if unit != "" {
			return "must have at least " + param + unit
		}
		return "must be at least " + param
	case "max", "lte":
		if unit != "" {
			return "must have at most " + param + unit
		}
		return "must be at most " + param
	case "len", "eq":
		if unit != "" {
			return "must have exactly " + param + unit
		}
		return "must be " + param
	case "gt":
		if unit != "" {
			return "must have more than " + param + unit
		}
		return "must be greater than " + param
	case "lt":
		if unit != "" {
			return "must have fewer than " + param + unit
		}
		return "must be less than " + param
	case "ne":
		return "must not be " + param
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(param), ", ")
	case "email":
		return "must be an email address"
	case "url", "http_url", "uri":
		return "must be a URL"
	case "uuid", "uuid3", "uuid4", "uuid5", "uuid_rfc4122":
		return "must be a UUID"
	case "alpha":
		return "must contain only letters"
	case "alphanum":
		return "must contain only letters and digits"
	case "numeric", "number":
		return "must contain only digits"
	case "datetime":
		return "must be a date and time in the format " + param
	case "unique":
		return "must not contain duplicates"
	}
	if param != "" {
		return "must satisfy " + fe.Tag() + "=" + param
	}
	return "must satisfy " + fe.Tag()
}
