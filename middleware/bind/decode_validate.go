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
	var verrs validator.ValidationErrors
	if !errors.As(vd.Struct(v), &verrs) {
		return errs
	}
	for _, fe := range verrs {
		if errs.full {
			break
		}
		detail, tokens := tagDetail(fe), namespaceTokens(rt, fe.StructNamespace())
		if len(tokens) > maxWalkDepth {
			tokens, detail = tokens[:maxWalkDepth], "has, nested too deep to locate, a member that "+detail
		}
		errs.add(detail, tokens)
	}
	return errs
}

// namespaceTokens turns a validator namespace of Go field names, such as
// "Cloud.Owner.Tags[2].Name", into the JSON Pointer tokens of the same
// place, using the json names ("owner", "tags", "2", "name") and leaving
// out untagged embedded structs, whose fields JSON promotes.
func namespaceTokens(root reflect.Type, ns string) []string {
	// validator starts with the root type's name: anonymous structs have
	// none, and generic ones spell theirs with dots.
	if name := root.Name(); name != "" {
		ns = strings.TrimPrefix(ns, name+".")
	}
	var tokens []string
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
			if !ok {
				tokens = append(tokens, name)
				cur = nil
			} else {
				tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
				switch {
				case tag == "" && sf.Anonymous && derefType(sf.Type).Kind() == reflect.Struct:
				case tag != "" && tag != "-":
					tokens = append(tokens, tag)
				default:
					tokens = append(tokens, sf.Name)
				}
				cur = sf.Type
			}
		}
		for strings.HasPrefix(ns, "[") {
			rb := strings.Index(ns, "]")
			for rb >= 0 && rb+1 < len(ns) && ns[rb+1] != '.' && ns[rb+1] != '[' {
				next := strings.Index(ns[rb+1:], "]")
				if next < 0 {
					break
				}
				rb += 1 + next
			}
			if rb < 0 {
				rb = len(ns) - 1
			}
			tokens = append(tokens, ns[1:rb])
			ns = ns[rb+1:]
			if cur = derefType(cur); cur != nil {
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
	return tokens
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
