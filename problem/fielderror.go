package problem

import "strings"

// FieldError locates one invalid piece of a request. Exactly one of Pointer,
// Parameter and Header is set: Pointer is a JSON Pointer into the body in URI
// fragment form ("#/name", RFC 6901 §6), Parameter names a path or query
// parameter, Header names a request header. Every chiguard validation failure
// lists its field errors under the problem's "errors" member in this shape.
type FieldError struct {
	Detail    string `json:"detail"`
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Header    string `json:"header,omitempty"`
}

// BodyError reports an invalid body field at the JSON Pointer made of the
// given reference tokens, e.g. BodyError("must not be empty", "name").
func BodyError(detail string, tokens ...string) FieldError {
	return FieldError{Detail: detail, Pointer: Pointer(tokens...)}
}

// ParamError reports an invalid path or query parameter.
func ParamError(name, detail string) FieldError {
	return FieldError{Detail: detail, Parameter: name}
}

// HeaderError reports an invalid request header.
func HeaderError(name, detail string) FieldError {
	return FieldError{Detail: detail, Header: name}
}

// Pointer builds a JSON Pointer in URI fragment form from reference tokens:
// "~" and "/" are escaped as RFC 6901 says, then characters a fragment cannot
// hold are percent-encoded. Pointer() is "#", the whole document.
func Pointer(tokens ...string) string {
	var b strings.Builder
	b.WriteByte('#')
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(percentEncode(pointerEscaper.Replace(t), fragmentSafe))
	}
	return b.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// fragmentSafe reports the characters RFC 3986 allows unescaped in a
// fragment (pchar / "/" / "?"), '%' excepted since it starts an escape.
func fragmentSafe(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=:@/?", c) >= 0
}
