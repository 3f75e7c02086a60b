package problem

import (
	"encoding/json"
	"sort"
	"strings"
)

// problemSchema is RFC 9457 Appendix A's schema as the Writer fills it:
// type, title and status are always there, and extension members may
// follow, so a client keeps the members it does not know.
const problemSchema = `{
  "type": "object",
  "description": "An RFC 9457 problem detail. Problem types may add extension members.",
  "required": ["type", "title", "status"],
  "properties": {
    "type": {"type": "string", "format": "uri-reference",
      "description": "Identifies the problem type: compare it as a string to tell problems apart."},
    "title": {"type": "string",
      "description": "A short summary of the problem type, the same for every occurrence."},
    "status": {"type": "integer", "minimum": 400, "maximum": 599,
      "description": "The HTTP status code of the response."},
    "detail": {"type": "string",
      "description": "What went wrong in this occurrence, for the developer to read."},
    "instance": {"type": "string", "format": "uri-reference",
      "description": "Identifies this occurrence: quote it when you report a problem."}
  },
  "additionalProperties": true
}`

// fieldErrorSchema is FieldError's: one entry of "errors".
const fieldErrorSchema = `{
  "type": "object",
  "description": "One invalid part of the request: detail says what is wrong, exactly one of pointer, parameter and header says where.",
  "required": ["detail"],
  "properties": {
    "detail": {"type": "string", "description": "What is wrong with this part."},
    "pointer": {"type": "string", "description": "A JSON Pointer to the body field, in URI fragment form (RFC 6901 §6), e.g. #/name."},
    "parameter": {"type": "string", "description": "The name of the path or query parameter."},
    "header": {"type": "string", "description": "The name of the request header."}
  },
  "oneOf": [
    {"required": ["pointer"]},
    {"required": ["parameter"]},
    {"required": ["header"]}
  ]
}`

// componentSchemas are the named schemas member schemas may refer to as
// "#/components/schemas/<name>".
var componentSchemas = map[string]string{
	"Problem":    problemSchema,
	"FieldError": fieldErrorSchema,
}

const schemaRefPrefix = "#/components/schemas/"

// mustSchema decodes one of the package's own schemas.
func mustSchema(s string) map[string]any {
	m, err := parseSchema(s)
	if err != nil {
		panic(err)
	}
	return m
}

// schemaRow is one line of a members table: a member, or a member of a
// member's objects, with the kind of value it holds.
type schemaRow struct {
	Name        string
	Kind        string
	Description string
	Always      bool
	Nested      bool
}

// deref returns the schema a "$ref" to a component names, or s.
func deref(s map[string]any) map[string]any {
	ref, _ := s["$ref"].(string)
	if text, ok := componentSchemas[strings.TrimPrefix(ref, schemaRefPrefix)]; ok && strings.HasPrefix(ref, schemaRefPrefix) {
		return mustSchema(text)
	}
	return s
}

// schemaKind says in words what a schema holds: "string", "array of
// strings", "integer".
func schemaKind(s map[string]any) string {
	s = deref(s)
	if ref, ok := s["$ref"].(string); ok {
		return ref[strings.LastIndexByte(ref, '/')+1:]
	}
	var kinds []string
	switch t := s["type"].(type) {
	case string:
		kinds = []string{t}
	case []any:
		for _, v := range t {
			if k, ok := v.(string); ok {
				kinds = append(kinds, k)
			}
		}
	}
	if len(kinds) == 0 {
		return "any JSON value"
	}
	for i, k := range kinds {
		switch k {
		case "array":
			items, _ := s["items"].(map[string]any)
			if items == nil {
				kinds[i] = "array"
			} else {
				kinds[i] = "array of " + plural(schemaKind(items))
			}
		case "string":
			if f, ok := s["format"].(string); ok {
				kinds[i] = "string (" + f + ")"
			}
		}
	}
	return strings.Join(kinds, " or ")
}

func plural(kind string) string {
	word, rest, _ := strings.Cut(kind, " ")
	if rest != "" {
		rest = " " + rest
	}
	switch word {
	case "string", "integer", "number", "boolean", "object", "array":
		return word + "s" + rest
	}
	return kind + " values"
}

// schemaRows returns the rows describing the objects a member holds: the
// properties of an object, or of an array's objects, required ones first.
func schemaRows(name string, s map[string]any) []schemaRow {
	s = deref(s)
	prefix := name + "."
	if items, ok := s["items"].(map[string]any); ok {
		s, prefix = deref(items), name+"[]."
	}
	props, _ := s["properties"].(map[string]any)
	required := map[string]bool{}
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			if n, ok := r.(string); ok {
				required[n] = true
			}
		}
	}
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if required[names[i]] != required[names[j]] {
			return required[names[i]]
		}
		return names[i] < names[j]
	})
	var rows []schemaRow
	for _, n := range names {
		p, _ := props[n].(map[string]any)
		desc, _ := p["description"].(string)
		rows = append(rows, schemaRow{Name: prefix + n, Kind: schemaKind(p), Description: desc, Always: required[n], Nested: true})
	}
	return rows
}

// rawSchema returns s decoded for embedding in a JSON document.
func rawSchema(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage(`{"type":"string"}`)
	}
	return json.RawMessage(s)
}
