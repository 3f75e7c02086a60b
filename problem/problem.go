package problem

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Problem is an RFC 9457 problem detail. The zero value is a valid 500.
//
// Type may be an absolute URI, "about:blank", or a slug such as "not-found",
// which the Writer resolves against its catalog's base URI. When Type is empty
// the Writer uses the catalog's type for Status; when Title is empty it uses
// the catalog's title for the type. Problems are values: share them freely,
// the Writer never modifies one.
type Problem struct {
	Type     string
	Title    string
	Status   int
	Detail   string
	Instance string

	ext        []member
	header     http.Header
	cause      error
	deliberate bool
	def        int // 1 + the position of the default type a constructor set
}

type member struct {
	name  string
	value any
}

// New returns a problem with the given status and detail; type and title
// come from the writer's catalog.
func New(status int, detail string) *Problem {
	return &Problem{Status: status, Detail: detail}
}

// Newf is New with a formatted detail.
func Newf(status int, format string, args ...any) *Problem {
	return &Problem{Status: status, Detail: fmt.Sprintf(format, args...)}
}

// Error makes a problem usable as an error value, so handlers can return it.
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(p.Status))
	if t := p.Title; t != "" {
		b.WriteString(" " + t)
	} else if t := http.StatusText(p.Status); t != "" {
		b.WriteString(" " + t)
	}
	if p.Detail != "" {
		b.WriteString(": " + p.Detail)
	}
	if p.cause != nil {
		b.WriteString(": " + p.cause.Error())
	}
	return b.String()
}

// Unwrap returns the internal cause attached with WithCause, or nil. The
// Writer logs it and never renders it, unless in development mode.
func (p *Problem) Unwrap() error { return p.cause }

// clone copies p so the With methods never modify a shared problem.
func (p *Problem) clone() *Problem {
	q := *p
	q.ext = append([]member(nil), p.ext...)
	if p.header != nil {
		q.header = p.header.Clone()
	}
	return &q
}

// WithDetail returns a copy of p with detail set.
func (p *Problem) WithDetail(detail string) *Problem {
	q := p.clone()
	q.Detail = detail
	return q
}

// WithCause returns a copy of p carrying err as its internal cause: it is
// logged (and sent to the alert hook for 5xx), but not shown to clients.
func (p *Problem) WithCause(err error) *Problem {
	q := p.clone()
	q.cause = err
	return q
}

// Deliberate returns a copy of p marked as a refusal the server chose, such
// as a 502 or 503 during planned maintenance: the Writer logs it at debug
// level like a 4xx and does not call the alert hook, which is kept for
// faults.
func (p *Problem) Deliberate() *Problem {
	q := p.clone()
	q.deliberate = true
	return q
}

// With returns a copy of p with the extension member name set to value.
// Members keep the order in which they were first set. Setting a name twice
// replaces the value in place.
//
// name must start with a letter and hold only letters, digits, '_' and '-',
// at least three characters (RFC 9457 §3.2, plus '-' for registered types
// such as quota-exceeded's "violated-policies"); it must not be one of the
// standard members. A bad name is a programming error: With panics.
//
// Values are rendered like encoding/json would render them.
func (p *Problem) With(name string, value any) *Problem {
	if err := checkExtensionName(name); err != nil {
		panic(err)
	}
	q := p.clone()
	for i := range q.ext {
		if q.ext[i].name == name {
			q.ext[i].value = value
			return q
		}
	}
	q.ext = append(q.ext, member{name, value})
	return q
}

// Extension returns the value of the extension member name.
func (p *Problem) Extension(name string) (any, bool) {
	for _, m := range p.ext {
		if m.name == name {
			return m.value, true
		}
	}
	return nil, false
}

// WithErrors returns a copy of p whose "errors" member lists field errors,
// the one shape chiguard uses for every validation failure.
func (p *Problem) WithErrors(errs ...FieldError) *Problem {
	return p.With("errors", errs)
}

// WithHeader returns a copy of p that the Writer sends with header key set
// to value, such as WWW-Authenticate, Retry-After or Allow. CR, LF and NUL
// in value are replaced by spaces so no input can split a header.
func (p *Problem) WithHeader(key, value string) *Problem {
	q := p.clone()
	if q.header == nil {
		q.header = make(http.Header, 1)
	}
	q.header.Add(key, sanitizeHeaderValue(value))
	return q
}

// Header returns a copy of the headers attached with WithHeader: changing
// it changes no problem, shared ones included.
func (p *Problem) Header() http.Header { return p.header.Clone() }

// ErrInvalidExtensionName is reported (as a panic value wrapping it) for an
// extension member name RFC 9457 does not allow.
var ErrInvalidExtensionName = fmt.Errorf("problem: invalid extension member name")

func checkExtensionName(name string) error {
	switch name {
	case "type", "title", "status", "detail", "instance":
		return fmt.Errorf("%w %q: it would shadow the standard member", ErrInvalidExtensionName, name)
	}
	if len(name) < 3 {
		return fmt.Errorf("%w %q: names have at least 3 characters", ErrInvalidExtensionName, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if i == 0 && !letter {
			return fmt.Errorf("%w %q: names start with a letter", ErrInvalidExtensionName, name)
		}
		if !letter && !(c >= '0' && c <= '9') && c != '_' && c != '-' {
			return fmt.Errorf("%w %q: names hold only letters, digits, '_' and '-'", ErrInvalidExtensionName, name)
		}
	}
	return nil
}

func sanitizeHeaderValue(v string) string {
	if strings.ContainsAny(v, "\r\n\x00") {
		return strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == 0 {
				return ' '
			}
			return r
		}, v)
	}
	return v
}
