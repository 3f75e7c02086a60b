package contracttest

import (
	"cmp"
	"encoding/json"
	"maps"
	"mime"
	"slices"
	"strconv"
	"strings"

	"github.com/chiguard/chiguard/contract"
)

// components are the parts of a document that $refs name.
type components struct {
	PathItems     map[string]map[string]json.RawMessage `json:"pathItems"`
	Responses     map[string]json.RawMessage            `json:"responses"`
	RequestBodies map[string]json.RawMessage            `json:"requestBodies"`
	Parameters    map[string]json.RawMessage            `json:"parameters"`
	Schemas       map[string]json.RawMessage            `json:"schemas"`
	Schemes       map[string]securityScheme             `json:"securitySchemes"`
}

// withContent is a response or request body object.
type withContent struct {
	Content map[string]json.RawMessage `json:"content"`
}

// resolve reads raw as an object with content, following its $refs into
// the components of kind (as "#/components/responses/"); ok is false when
// it is no such object or a $ref names none.
func resolve(raw json.RawMessage, kind string, of map[string]json.RawMessage) (withContent, bool) {
	var o withContent
	raw, ok := deref(raw, kind, of)
	return o, ok && json.Unmarshal(raw, &o) == nil
}

// maxRefHops bounds a chain of $refs, so that a cycle ends.
const maxRefHops = 16

// deref follows raw's $ref into the components of kind, and the target's
// own $ref, until it reaches an object that is no reference. ok is false
// when raw is no object, a $ref names no component of kind, or the chain
// is longer than maxRefHops, as a cycle is.
func deref(raw json.RawMessage, kind string, of map[string]json.RawMessage) (json.RawMessage, bool) {
	for range maxRefHops {
		var r struct {
			Ref string `json:"$ref"`
		}
		if json.Unmarshal(raw, &r) != nil {
			return nil, false
		}
		if r.Ref == "" {
			return raw, true
		}
		name, ok := componentName(r.Ref, kind)
		target, found := of[name]
		if !ok || !found {
			return nil, false
		}
		raw = target
	}
	return nil, false
}

// componentName is the name of the component of kind ("responses",
// "schemas") that ref points to, and whether it points into them.
func componentName(ref, kind string) (string, bool) {
	name, ok := strings.CutPrefix(ref, "#/components/"+kind+"/")
	return unescapePointer(name), ok
}

var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// unescapePointer undoes a JSON Pointer token's escapes (RFC 6901).
func unescapePointer(s string) string { return pointerUnescaper.Replace(s) }

// covers reports whether a content map lists mt, itself or by a range
// ("application/*", "*/*"); a key's parameters do not matter.
func covers(content map[string]json.RawMessage, mt string) bool {
	want, _, _ := mime.ParseMediaType(mt)
	for k := range content {
		got, _, err := mime.ParseMediaType(k)
		if err != nil {
			continue
		}
		typ, sub, _ := strings.Cut(got, "/")
		if got == want || got == "*/*" || sub == "*" && strings.HasPrefix(want, typ+"/") {
			return true
		}
	}
	return false
}

// compareContent reports media types the router answers with that the
// document's response omits. A response without content says nothing of
// its media types and is not compared.
func compareContent(name string, r contract.Route, op operation, comp *components) []diff {
	var out []diff
	reported := map[string]bool{}
	for _, resp := range r.Responses {
		code := strconv.Itoa(resp.Status)
		raw, ok := op.Responses[code]
		if !ok {
			raw, ok = op.Responses[code[:1]+"XX"]
		}
		if !ok {
			continue
		}
		doc, ok := resolve(raw, "responses", comp.Responses)
		if !ok || len(doc.Content) == 0 {
			continue
		}
		var media []string
		switch {
		case resp.Type != "":
			media = []string{"application/problem+json"} // what every client gets unless it refuses it
		case len(resp.MediaTypes) > 0:
			media = resp.MediaTypes // what its handler writes
		case resp.Status >= 200 && resp.Status < 300 && resp.Status != 204 && resp.Status != 205:
			media = r.Produces
		}
		for _, mt := range media {
			if covers(doc.Content, mt) || reported[code+" "+mt] {
				continue
			}
			reported[code+" "+mt] = true
			out = append(out, diff{name, name + ": the router answers " + code + " as " + mt +
				"; the document lists it as " + strings.Join(slices.Sorted(maps.Keys(doc.Content)), ", ") + " only"})
		}
	}
	return out
}

// compareBody reports a body bind.Body reads that the document does not
// describe, or describes in other media types. A document may describe a
// body the contract cannot see: a handler decodes it itself.
func compareBody(name string, r contract.Route, op operation, comp *components) []diff {
	if r.Body == nil {
		return nil
	}
	media := strings.Join(r.Body.MediaTypes, ", ")
	if op.RequestBody == nil {
		return []diff{{name, name + ": the router reads a request body (" + media + ", from bind.Body); the document describes none"}}
	}
	doc, ok := resolve(op.RequestBody, "requestBodies", comp.RequestBodies)
	if !ok {
		return nil
	}
	var out []diff
	for _, mt := range r.Body.MediaTypes {
		if !covers(doc.Content, mt) {
			out = append(out, diff{name, name + ": the router reads a request body as " + mt +
				"; the document's body is " + cmp.Or(strings.Join(slices.Sorted(maps.Keys(doc.Content)), ", "), "of no media type")})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(doc.Content)) {
		if mt, _, err := mime.ParseMediaType(k); err == nil && !strings.Contains(mt, "*") && !reads(r.Body.MediaTypes, mt) {
			out = append(out, diff{name, name + ": the document's request body may be " + k +
				"; the router refuses it with a 415 and reads only " + media})
		}
	}
	return out
}

// reads reports whether a body of media type mt gets past bind.Body,
// which reads media: its JSON decoder takes any application/*+json too.
func reads(media []string, mt string) bool {
	if slices.Contains(media, "application/json") && strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json") {
		return true
	}
	return slices.ContainsFunc(media, func(s string) bool { return strings.EqualFold(s, mt) })
}

// parameterObject is the part of an OpenAPI parameter Compare reads.
type parameterObject struct {
	Ref    string          `json:"$ref"`
	Name   string          `json:"name"`
	In     string          `json:"in"`
	Schema json.RawMessage `json:"schema"`
	// Content, instead of Schema, holds the one media type the value is
	// serialized in, with its schema.
	Content map[string]struct {
		Schema json.RawMessage `json:"schema"`
	} `json:"content"`
}

// schema is p's schema, or that of the media type of its content.
func (p parameterObject) schema() json.RawMessage {
	if p.Schema != nil {
		return p.Schema
	}
	for _, mt := range slices.Sorted(maps.Keys(p.Content)) {
		return p.Content[mt].Schema // OpenAPI allows one media type
	}
	return nil
}

// compareParameters reports a path parameter that bind.ValidatePath
// parses into a type the document's schema does not give it (parameters
// pair up by their place in the path, since the names may differ), and a
// query parameter bind.ValidateQuery checks that the document omits or
// types otherwise (by name).
func compareParameters(name, docPath string, r contract.Route, itemParams, opParams []json.RawMessage, comp *components) []diff {
	byName, query := map[string]parameterObject{}, map[string]parameterObject{}
	for _, raw := range append(append([]json.RawMessage(nil), itemParams...), opParams...) { // the operation's win
		var p parameterObject
		if json.Unmarshal(raw, &p) != nil {
			continue
		}
		if p.Ref != "" {
			target, ok := deref(raw, "parameters", comp.Parameters)
			if p = (parameterObject{}); !ok || json.Unmarshal(target, &p) != nil {
				continue
			}
		}
		switch p.In {
		case "path":
			byName[p.Name] = p
		case "query":
			query[p.Name] = p
		}
	}
	docNames := templateNames(docPath)
	var out []diff
	for i, param := range r.Parameters {
		if param.Type == nil || i >= len(docNames) {
			continue
		}
		want := schemaType(param.Schema)
		doc, ok := byName[docNames[i]]
		got := docTypes(doc.schema(), comp.Schemas)
		if !ok || len(got) == 0 || want == "" || slices.Contains(got, want) {
			continue
		}
		out = append(out, diff{name, name + ": path parameter {" + docNames[i] + "} is " + article(want) +
			" to the router (bind.ValidatePath), " + article(strings.Join(got, " or ")) + " in the document"})
	}
	for _, param := range r.Query {
		want := schemaType(param.Schema)
		doc, ok := query[param.Name]
		if !ok {
			out = append(out, diff{name, name + ": the router checks the query parameter " + param.Name +
				" (bind.ValidateQuery); the document omits it"})
			continue
		}
		if got := docTypes(doc.schema(), comp.Schemas); len(got) > 0 && want != "" && !slices.Contains(got, want) {
			out = append(out, diff{name, name + ": query parameter " + param.Name + " is " + article(want) +
				" to the router (bind.ValidateQuery), " + article(strings.Join(got, " or ")) + " in the document"})
		}
	}
	return out
}

// templateNames are the parameter names of an OpenAPI path template.
func templateNames(path string) []string {
	var names []string
	for {
		_, rest, ok := strings.Cut(path, "{")
		if !ok {
			return names
		}
		n, after, ok := strings.Cut(rest, "}")
		if !ok {
			return names
		}
		names, path = append(names, n), after
	}
}

// schemaType is the JSON Schema type of a parameter's schema, or "" when
// it is not one type.
func schemaType(schema json.RawMessage) string {
	var s struct {
		Type any `json:"type"`
	}
	json.Unmarshal(schema, &s)
	t, _ := s.Type.(string)
	return t
}

// docTypes are the types a document's schema allows, null aside, its
// $refs to components.schemas followed; none when it does not say.
// OpenAPI 3.1 may list them: {"type": ["integer", "null"]}.
func docTypes(schema json.RawMessage, schemas map[string]json.RawMessage) []string {
	var s struct {
		Ref  string `json:"$ref"`
		Type any    `json:"type"`
	}
	json.Unmarshal(schema, &s)
	for range maxRefHops { // a schema's own type wins over its $ref's (3.1 allows both)
		name, ok := componentName(s.Ref, "schemas")
		if !ok || s.Type != nil {
			break
		}
		s.Ref = ""
		json.Unmarshal(schemas[name], &s)
	}
	list, _ := s.Type.([]any)
	if t, ok := s.Type.(string); ok {
		list = []any{t}
	}
	var types []string
	for _, v := range list {
		if v, ok := v.(string); ok && v != "null" && v != "" {
			types = append(types, v)
		}
	}
	return types
}

func article(t string) string {
	if strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}
