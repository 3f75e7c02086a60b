package accept

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidMediaType is wrapped by every error ParseMediaType returns.
var ErrInvalidMediaType = errors.New("accept: invalid media type")

// MediaType is a parsed media type such as text/plain;format=flowed. Type
// and Subtype are lower case.
type MediaType struct {
	Type, Subtype string
	Params        []Param // names lower case, values as given (unquoted)
}

// Param is one media type parameter.
type Param struct{ Name, Value string }

// ParseMediaType parses one media type for use as an offer: a concrete
// type/subtype (no wildcards) with optional parameters. A parameter named q
// is refused, since in Accept it would read as a weight (the media type
// registry forbids it for that reason), and so is a repeated parameter name.
func ParseMediaType(s string) (MediaType, error) {
	s = strings.Trim(s, " \t")
	slash := tokenEnd(s, 0)
	if slash == len(s) || s[slash] != '/' {
		return MediaType{}, invalid(s, "want type/subtype")
	}
	end := tokenEnd(s, slash+1)
	typ, sub := s[:slash], s[slash+1:end]
	switch {
	case typ == "" || sub == "":
		return MediaType{}, invalid(s, "empty type or subtype")
	case typ == "*" || sub == "*":
		return MediaType{}, invalid(s, "wildcards are not allowed in an offer")
	}
	m := MediaType{Type: strings.ToLower(typ), Subtype: strings.ToLower(sub)}
	for i := end; ; {
		i = skipOWS(s, i)
		if i == len(s) {
			return m, nil
		}
		if s[i] != ';' {
			return MediaType{}, invalid(s, fmt.Sprintf("unexpected %q after %q", s[i], s[:i]))
		}
		if i = skipOWS(s, i+1); i == len(s) || s[i] == ';' {
			continue
		}
		p, next, err := parseParam(s, i)
		if err != nil {
			return MediaType{}, err
		}
		for _, q := range m.Params {
			if q.Name == p.Name {
				return MediaType{}, invalid(s, "repeated parameter "+p.Name)
			}
		}
		m.Params = append(m.Params, p)
		i = next
	}
}

// parseParam parses the parameter at s[i] for ParseMediaType.
func parseParam(s string, i int) (Param, int, error) {
	eq := tokenEnd(s, i)
	if eq == i || eq == len(s) || s[eq] != '=' {
		return Param{}, 0, invalid(s, fmt.Sprintf("want name=value at %q", s[i:]))
	}
	name := strings.ToLower(s[i:eq])
	if name == "q" {
		return Param{}, 0, invalid(s, "parameter q is reserved for weights")
	}
	end, ok := valueEnd(s, eq+1)
	if !ok {
		return Param{}, 0, invalid(s, "bad value for parameter "+name)
	}
	value := s[eq+1 : end]
	if value[0] == '"' {
		value = unquote(value[1 : len(value)-1])
	}
	return Param{Name: name, Value: value}, end, nil
}

// unquote removes the backslash escapes of a quoted string's content.
func unquote(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func invalid(s, why string) error {
	return fmt.Errorf("%w %q: %s", ErrInvalidMediaType, s, why)
}

// MustParseMediaType is ParseMediaType for offers known at compile time; it
// panics on error.
func MustParseMediaType(s string) MediaType {
	m, err := ParseMediaType(s)
	if err != nil {
		panic("accept.MustParseMediaType: " + err.Error())
	}
	return m
}

// String returns the canonical form type/subtype;name=value, quoting values
// that are not tokens.
func (m MediaType) String() string {
	var b strings.Builder
	b.WriteString(m.Type)
	b.WriteByte('/')
	b.WriteString(m.Subtype)
	for _, p := range m.Params {
		b.WriteByte(';')
		b.WriteString(p.Name)
		b.WriteByte('=')
		if isToken(p.Value) {
			b.WriteString(p.Value)
			continue
		}
		b.WriteByte('"')
		for i := 0; i < len(p.Value); i++ {
			if c := p.Value[i]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(p.Value[i])
		}
		b.WriteByte('"')
	}
	return b.String()
}
