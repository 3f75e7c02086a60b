package problem

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// OpenAPI returns an OpenAPI 3.1 fragment, as JSON, for the catalog: a
// components object with the RFC 9457 Problem schema (Appendix A), the
// FieldError schema, and one response object per type, named after its
// slug, ready to be referenced as "#/components/responses/not-found".
func (c *Catalog) OpenAPI() ([]byte, error) {
	responses := map[string]any{}
	for _, e := range c.entries() {
		name := e.slug
		if name == "" {
			name = responseName(e.URI)
		}
		for base, n := name, 2; responses[name] != nil; n++ {
			name = base + "-" + strconv.Itoa(n)
		}
		example := map[string]any{"type": e.URI, "title": e.Title, "status": e.Status}
		resp := map[string]any{
			"description": e.Title + ". " + e.Description,
			"content": map[string]any{
				"application/problem+json": map[string]any{
					"schema": map[string]any{"allOf": []any{
						map[string]any{"$ref": "#/components/schemas/Problem"},
						map[string]any{"properties": map[string]any{
							"type":   map[string]any{"const": e.URI},
							"status": map[string]any{"const": e.Status},
						}},
					}},
					"example": example,
				},
			},
		}
		if h := documentedHeaders(e.Status); h != nil {
			resp["headers"] = h
		}
		responses[name] = resp
	}
	doc := map[string]any{"components": map[string]any{
		"schemas": map[string]any{
			"Problem":    problemSchema,
			"FieldError": fieldErrorSchema,
		},
		"responses": responses,
	}}
	return json.MarshalIndent(doc, "", "  ")
}

// problemSchema is RFC 9457 Appendix A's schema, plus chiguard's "errors".
var problemSchema = map[string]any{
	"type":        "object",
	"description": "An RFC 9457 problem detail.",
	"properties": map[string]any{
		"type": map[string]any{"type": "string", "format": "uri-reference", "default": "about:blank",
			"description": "Identifies the problem type; open it to read its documentation."},
		"title": map[string]any{"type": "string",
			"description": "A short summary of the problem type, the same for every occurrence."},
		"status": map[string]any{"type": "integer", "minimum": 100, "maximum": 599,
			"description": "The HTTP status code of this response."},
		"detail": map[string]any{"type": "string",
			"description": "What went wrong in this occurrence, in words a client can act on."},
		"instance": map[string]any{"type": "string", "format": "uri-reference",
			"description": "Identifies this occurrence, for support requests."},
		"errors": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/FieldError"},
			"description": "The invalid parts of the request, one entry each."},
	},
}

var fieldErrorSchema = map[string]any{
	"type":     "object",
	"required": []any{"detail"},
	"properties": map[string]any{
		"detail":    map[string]any{"type": "string", "description": "What is wrong with this part."},
		"pointer":   map[string]any{"type": "string", "description": "JSON Pointer (URI fragment form) to the body field."},
		"parameter": map[string]any{"type": "string", "description": "Name of the path or query parameter."},
		"header":    map[string]any{"type": "string", "description": "Name of the request header."},
	},
}

// documentedHeaders lists the response headers HTTP requires or chiguard
// always sends with a status.
func documentedHeaders(status int) map[string]any {
	str := map[string]any{"type": "string"}
	switch status {
	case http.StatusUnauthorized:
		return map[string]any{"WWW-Authenticate": map[string]any{"required": true, "schema": str,
			"description": "The authentication challenge (RFC 6750)."}}
	case http.StatusMethodNotAllowed:
		return map[string]any{"Allow": map[string]any{"required": true, "schema": str,
			"description": "The methods the resource supports."}}
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return map[string]any{"Retry-After": map[string]any{"schema": map[string]any{"type": "integer"},
			"description": "Seconds to wait before retrying."}}
	}
	return nil
}

// responseName derives a components key from a type URI's last segment.
func responseName(uri string) string {
	s := uri[strings.LastIndexAny(uri, "/#:")+1:]
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "problem"
	}
	return string(b)
}
