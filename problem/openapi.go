package problem

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// OpenAPI is an OpenAPI 3.1 document: a catalog's problem types as
// reusable components, and the paths that use them. Catalog.OpenAPI
// builds it with no paths; code that knows the routes (package
// contract) adds path items, and components of its own, before
// it is marshalled. Every map and value in it is the caller's own.
type OpenAPI struct {
	Info OpenAPIInfo
	// Servers are where the API is served.
	Servers []OpenAPIServer
	// Paths maps path templates such as "/cloud/{id}" to OpenAPI path
	// item objects, as JSON-ready values.
	Paths map[string]any
	// Components holds the reusable objects, by name.
	Components OpenAPIComponents
}

// OpenAPIInfo is the document's info object.
type OpenAPIInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
}

// OpenAPIServer is a server object: the base URL of the API's paths.
type OpenAPIServer struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	// Variables give the values of the URL's {name} parts, which it must
	// have for each one.
	Variables map[string]OpenAPIServerVariable `json:"variables,omitempty"`
}

// OpenAPIServerVariable is the value of one {name} of a server's URL.
type OpenAPIServerVariable struct {
	Default     string   `json:"default"`
	Enum        []string `json:"enum,omitempty"`
	Description string   `json:"description,omitempty"`
}

// OpenAPIComponents are the document's components, as JSON-ready values
// (maps, slices, strings, numbers, json.RawMessage). From a catalog:
//
//   - Schemas: "Problem" (RFC 9457's members, open to extension members),
//     "FieldError" (one entry of "errors"), and one schema per type, named
//     after its slug, with its type URI and status as typed constants and
//     its extension members;
//   - Responses: one per type, named after its slug, with that schema,
//     the headers sent with it and its example as the Writer renders it;
//   - Headers: the response headers the types document, named after the
//     field (and the slug, for a field two types describe differently),
//     with any character a component name cannot hold, as '!', as "_21".
//
// SecuritySchemes is empty from a catalog; package contract fills it.
type OpenAPIComponents struct {
	Schemas         map[string]any `json:"schemas,omitempty"`
	Responses       map[string]any `json:"responses,omitempty"`
	Headers         map[string]any `json:"headers,omitempty"`
	SecuritySchemes map[string]any `json:"securitySchemes,omitempty"`
}

// OpenAPIVersion is the version of the OpenAPI Specification the document
// follows.
const OpenAPIVersion = "3.1.1"

// OpenAPI returns a new OpenAPI document describing the catalog's types,
// titled "Problem types", version "1": set Info to the API's own. Its
// server is the origin of an absolute base, else "/", the host that
// serves the document.
// Responses are named after the types' slugs, so that an operation can
// refer to one as ResponseRef gives it.
func (c *Catalog) OpenAPI() *OpenAPI {
	s := c.load()
	base := c.Base()
	ex := s.renderExamples(base)
	server := "/"
	if u, err := url.Parse(base); err == nil && u.IsAbs() && u.Host != "" {
		server = u.Scheme + "://" + u.Host
	}
	doc := &OpenAPI{
		Info:    OpenAPIInfo{Title: "Problem types", Version: "1"},
		Servers: []OpenAPIServer{{URL: server}},
		Paths:   map[string]any{},
		Components: OpenAPIComponents{
			Schemas:   map[string]any{},
			Responses: map[string]any{},
			Headers:   map[string]any{},
		},
	}
	for name, text := range componentSchemas {
		doc.Components.Schemas[name] = mustSchema(text)
	}
	headerKeys := headerComponents(s.types, doc.Components.Headers)
	// taken reports a schema name of the package's or of another type.
	taken := func(name string, i int) bool {
		_, ours := componentSchemas[name]
		j, slug := s.bySlug[name]
		return ours || slug && j != i
	}
	for i := range s.types {
		t := &s.types[i]
		name := t.Slug
		for taken(name, i) {
			name += "-problem"
		}
		doc.Components.Schemas[name] = typeSchema(t, typeURI(base, t), base)
		media := map[string]any{"schema": map[string]any{"$ref": schemaRefPrefix + name}}
		if carriesAlwaysMembers(t, ex[i].body) {
			media["example"] = json.RawMessage(append([]byte(nil), ex[i].body...))
		}
		resp := map[string]any{
			"description": t.Title + ". " + t.Description,
			"content":     problemContent(media),
		}
		if len(t.Headers) > 0 {
			hs := map[string]any{}
			for j, h := range t.Headers {
				hs[h.Name] = map[string]any{"$ref": "#/components/headers/" + headerKeys[i][j]}
			}
			resp["headers"] = hs
		}
		doc.Components.Responses[t.Slug] = resp
	}
	return doc
}

// problemContent is the content of a problem response: the Writer sends
// application/problem+json, or application/json to a client whose Accept
// names that and not the first, both the same JSON.
func problemContent(media map[string]any) map[string]any {
	return map[string]any{"application/problem+json": media, "application/json": media}
}

// carriesAlwaysMembers reports whether the example body has every member
// t's problems always carry: without one, it contradicts t's schema, which
// requires them (a type without an Example shows none of its members).
func carriesAlwaysMembers(t *Type, body []byte) bool {
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) != nil {
		return false
	}
	for _, m := range t.Members {
		if _, ok := members[m.Name]; m.Always && !ok {
			return false
		}
	}
	return true
}

// ResponseRef returns the reference to the response of the type with the
// given slug, "#/components/responses/<slug>", if the document has it.
func (d *OpenAPI) ResponseRef(slug string) (string, bool) {
	if _, ok := d.Components.Responses[slug]; !ok {
		return "", false
	}
	return "#/components/responses/" + slug, true
}

// MarshalJSON renders the document, "openapi" first.
func (d *OpenAPI) MarshalJSON() ([]byte, error) {
	paths := d.Paths
	if paths == nil {
		paths = map[string]any{}
	}
	return json.Marshal(struct {
		OpenAPI    string            `json:"openapi"`
		Info       OpenAPIInfo       `json:"info"`
		Servers    []OpenAPIServer   `json:"servers,omitempty"`
		Paths      map[string]any    `json:"paths"`
		Components OpenAPIComponents `json:"components"`
	}{OpenAPIVersion, d.Info, d.Servers, paths, d.Components})
}

// typeSchema is the schema of t's problems: the Problem schema with t's
// type URI and status as constants, and t's extension members.
func typeSchema(t *Type, uri, base string) map[string]any {
	props := map[string]any{
		"type":   map[string]any{"type": "string", "format": "uri-reference", "const": uri},
		"title":  map[string]any{"type": "string"},
		"status": map[string]any{"type": "integer", "const": t.Status},
	}
	var required []any
	for _, m := range t.Members {
		ms, _ := parseSchema(m.Schema)
		if _, ok := ms["description"]; !ok && m.Description != "" {
			ms["description"] = m.Description
		}
		props[m.Name] = ms
		if m.Always {
			required = append(required, m.Name)
		}
	}
	overlay := map[string]any{"type": "object", "properties": props}
	if required != nil {
		overlay["required"] = required
	}
	s := map[string]any{
		"description": t.Title + ". " + t.Description,
		"allOf":       []any{map[string]any{"$ref": schemaRefPrefix + "Problem"}, overlay},
	}
	if u, err := url.Parse(base + t.Slug); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		s["externalDocs"] = map[string]any{"url": u.String()}
	}
	return s
}

// headerComponents adds the header objects of every type's headers to
// into and returns, per type and header, the name it got: the field name
// (see componentName), or the field name and the slug when types describe
// the field differently.
func headerComponents(types []Type, into map[string]any) [][]string {
	objects := make([][]map[string]any, len(types))
	variants := map[string]map[string]bool{} // lower-case name -> distinct objects
	for i, t := range types {
		for _, h := range t.Headers {
			schema := map[string]any{"type": "string"}
			if h.Schema != "" {
				schema, _ = parseSchema(h.Schema)
			}
			o := map[string]any{"description": h.Description, "required": h.Always, "schema": schema}
			objects[i] = append(objects[i], o)
			key, _ := json.Marshal(o)
			n := strings.ToLower(h.Name)
			if variants[n] == nil {
				variants[n] = map[string]bool{}
			}
			variants[n][string(key)] = true
		}
	}
	keys := make([][]string, len(types))
	for i, t := range types {
		for j, h := range t.Headers {
			name := componentName(h.Name)
			if len(variants[strings.ToLower(h.Name)]) > 1 {
				name += "." + t.Slug
			}
			if _, done := into[name]; !done {
				into[name] = objects[i][j]
			}
			keys[i] = append(keys[i], name)
		}
	}
	return keys
}

// componentName makes a field name a component name, which holds only
// letters, digits, '.', '-' and '_': other bytes of a token, as '!' or
// '#', become '_' and their hex code.
func componentName(field string) string {
	var b strings.Builder
	for i := 0; i < len(field); i++ {
		c := field[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "_%02X", c)
		}
	}
	return b.String()
}
