package problem

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Type documents one problem type: what the API promises a client about it.
// Its docs page, its OpenAPI schema and the body the Writer sends all come
// from it.
type Type struct {
	// Slug names the type's docs page under the catalog's base URI, e.g.
	// "not-found", and, unless URI is set, its type URI: base+Slug.
	Slug string
	// URI, if set, is the type URI sent as "type", for a type defined
	// elsewhere, such as quota-exceeded in the IANA HTTP Problem Types
	// registry. Its docs are still served at base+Slug.
	URI string
	// Status is the HTTP status the type is always sent with.
	Status int
	// Title is the short, stable summary sent as "title".
	Title string
	// Description says when the type is sent: the text of the error-codes
	// page and the start of the type's page.
	Description string
	// Fix tells a client what to do about it.
	Fix string
	// Members are the extension members problems of this type carry.
	Members []Member
	// Headers are the response header fields sent with this type, beyond
	// those every problem carries.
	Headers []Header
	// Example is the occurrence the docs show, rendered by a Writer: give
	// it a detail, members and headers as the API sends them. Nil shows a
	// problem of the type with no detail. Its Type and Status are the
	// type's own.
	Example *Problem
}

// Member documents an extension member of a problem type.
type Member struct {
	// Name is the member's name in the body, e.g. "violated-policies".
	Name string
	// Schema is the member's JSON Schema (draft 2020-12) as JSON text, e.g.
	// `{"type":"array","items":{"type":"string"}}`. It may refer to
	// "#/components/schemas/FieldError", the entries of "errors".
	Schema string
	// Description says what the member holds and when it is there.
	Description string
	// Always is set when every problem of the type carries the member.
	Always bool
}

// Header documents a response header field sent with a problem type.
type Header struct {
	// Name is the field name, e.g. "Retry-After".
	Name string
	// Schema is the JSON Schema of the field value as JSON text; empty
	// means a string.
	Schema string
	// Description says what the value means and when the field is sent.
	Description string
	// Always is set when every problem of the type carries the field.
	Always bool
}

// clone returns a copy of t that shares nothing mutable with it.
func (t Type) clone() Type {
	t.Members = append([]Member(nil), t.Members...)
	t.Headers = append([]Header(nil), t.Headers...)
	if t.Example != nil {
		e := *t.Example // its slices are never written: sharing them is safe
		t.Example = &e
	}
	return t
}

// check reports why t cannot be registered, or nil.
func (t *Type) check() error {
	name := t.Slug
	if name == "" {
		name = t.URI
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidType, name, fmt.Sprintf(format, args...))
	}
	switch {
	case t.Slug == "":
		return fail("needs a Slug, the name of its docs page under the catalog's base")
	case !isSlug(t.Slug):
		return fail("a slug holds only letters, digits and '-'")
	case t.Status < 400 || t.Status > 599:
		return fail("status %d is not an error status", t.Status)
	case t.Title == "":
		return fail("needs a Title")
	}
	if t.URI != "" {
		if u, err := url.Parse(t.URI); err != nil || !u.IsAbs() {
			return fail("URI must be absolute")
		}
	}
	seen := map[string]bool{}
	for _, m := range t.Members {
		if err := checkExtensionName(m.Name); err != nil {
			return fail("member: %v", err)
		}
		if seen[m.Name] {
			return fail("member %q listed twice", m.Name)
		}
		seen[m.Name] = true
		if m.Schema == "" {
			return fail("member %q needs a Schema", m.Name)
		}
		if _, err := parseSchema(m.Schema); err != nil {
			return fail("member %q: %v", m.Name, err)
		}
	}
	clear(seen)
	for _, h := range t.Headers {
		if !isToken(h.Name) {
			return fail("header name %q is not a token", h.Name)
		}
		if seen[strings.ToLower(h.Name)] {
			return fail("header %q listed twice", h.Name)
		}
		seen[strings.ToLower(h.Name)] = true
		if h.Schema != "" {
			if _, err := parseSchema(h.Schema); err != nil {
				return fail("header %q: %v", h.Name, err)
			}
		}
	}
	if e := t.Example; e != nil && e.Status != 0 && e.Status != t.Status {
		return fail("example has status %d, the type %d", e.Status, t.Status)
	}
	return nil
}

// parseSchema decodes a JSON Schema given as text; it must be an object.
func parseSchema(s string) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil || m == nil {
		return nil, fmt.Errorf("schema is not a JSON object: %s", s)
	}
	return m, nil
}

func isSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// isToken reports an RFC 9110 token, the grammar of a field name.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}
