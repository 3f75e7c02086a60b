package problem

import (
	"fmt"
	"net/http"
	"net/textproto"
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

	// A problem is copied by every With method, so its parts are laid out
	// for cheap copies: the first extension members live in the struct,
	// and the slices (more members, field errors, headers) are shared by
	// the copies and never written after they are built.
	ext        [inlineMembers]member // unused slots have no name
	more       []member              // the members after ext's
	errs       []FieldError          // the value of a member set by WithErrors
	header     []headerField         // by canonical key, in order of first use
	cause      error
	def        int32 // 1 + the position of the default type a constructor set
	deliberate bool
}

// inlineMembers is the number of extension members a problem holds without
// an allocation of their own: most problems have one or two.
const inlineMembers = 2

type member struct {
	name  string
	value any
}

// fieldErrors is the value of the member WithErrors sets: the errors are in
// Problem.errs, so that setting them boxes nothing.
type fieldErrors struct{}

// headerField is one header of a problem with its values, a slice shared
// by the copies: WithHeader builds a new one rather than append to it.
type headerField struct {
	key    string
	values []string
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

// The With methods copy the problem and change the copy, so that a shared
// problem is never modified. Each is small enough to be inlined: when the
// copies do not outlive the handler that builds them (a problem written at
// once), the compiler keeps them on its stack, and building one per request
// allocates nothing for the problem itself. The copies share p's slices,
// which nothing writes into.

// WithDetail returns a copy of p with detail set.
func (p *Problem) WithDetail(detail string) *Problem {
	q := *p
	q.Detail = detail
	return &q
}

// WithCause returns a copy of p carrying err as its internal cause: it is
// logged (and sent to the alert hook for 5xx), but not shown to clients.
func (p *Problem) WithCause(err error) *Problem {
	q := *p
	q.cause = err
	return &q
}

// Deliberate returns a copy of p marked as a refusal the server chose, such
// as a 502 or 503 during planned maintenance: the Writer logs it at debug
// level like a 4xx and does not call the alert hook, which is kept for
// faults.
func (p *Problem) Deliberate() *Problem {
	q := *p
	q.deliberate = true
	return &q
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
	q := *p
	q.setChecked(name, value)
	return &q
}

// setChecked is set after checking name.
func (p *Problem) setChecked(name string, value any) {
	if err := checkExtensionName(name); err != nil {
		panic(err)
	}
	p.set(name, value)
}

// set sets member name of a problem no one else holds yet.
func (p *Problem) set(name string, value any) {
	for i := range p.ext {
		switch p.ext[i].name {
		case name:
			p.ext[i].value = value
			return
		case "":
			p.ext[i] = member{name, value}
			return
		}
	}
	for i := range p.more {
		if p.more[i].name == name {
			p.more = append([]member(nil), p.more...)
			p.more[i].value = value
			return
		}
	}
	p.more = append(p.more[:len(p.more):len(p.more)], member{name, value})
}

// value returns a member's value as the caller set it.
func (p *Problem) value(v any) any {
	if _, ok := v.(fieldErrors); ok {
		return p.errs
	}
	return v
}

// Extension returns the value of the extension member name.
func (p *Problem) Extension(name string) (any, bool) {
	for _, m := range p.ext {
		if m.name == name && name != "" {
			return p.value(m.value), true
		}
	}
	for _, m := range p.more {
		if m.name == name {
			return p.value(m.value), true
		}
	}
	return nil, false
}

// WithErrors returns a copy of p whose "errors" member lists field errors,
// the one shape chiguard uses for every validation failure.
func (p *Problem) WithErrors(errs ...FieldError) *Problem {
	q := *p
	q.errs = errs
	q.set("errors", fieldErrors{})
	return &q
}

// WithHeader returns a copy of p that the Writer sends with header key set
// to value, such as WWW-Authenticate, Retry-After or Allow. CR, LF and NUL
// in value are replaced by spaces so no input can split a header. The
// fields that frame the body the writer renders are the writer's own, and
// ignored here: Content-Length, Transfer-Encoding, Content-Encoding,
// Trailer and Content-Type.
func (p *Problem) WithHeader(key, value string) *Problem {
	q := *p
	q.addHeader(key, value)
	return &q
}

// addHeader adds a header value to a problem no one else holds yet.
func (p *Problem) addHeader(key, value string) {
	key = textproto.CanonicalMIMEHeaderKey(key)
	switch key {
	case "Content-Length", "Transfer-Encoding", "Content-Encoding", "Trailer", "Content-Type":
		return // a value here would not frame the body the writer renders
	}
	value = sanitizeHeaderValue(value)
	for i, f := range p.header {
		if f.key == key {
			p.header = append([]headerField(nil), p.header...)
			p.header[i].values = append(f.values[:len(f.values):len(f.values)], value)
			return
		}
	}
	if p.header == nil { // the usual case: one field, one value, one allocation
		one := &struct {
			f [1]headerField
			v [1]string
		}{v: [1]string{value}}
		one.f[0] = headerField{key, one.v[:]}
		p.header = one.f[:]
		return
	}
	p.header = append(p.header[:len(p.header):len(p.header)], headerField{key, []string{value}})
}

// Header returns a copy of the headers attached with WithHeader: changing
// it changes no problem, shared ones included.
func (p *Problem) Header() http.Header {
	if p.header == nil {
		return nil
	}
	h := make(http.Header, len(p.header))
	for _, f := range p.header {
		h[f.key] = append([]string(nil), f.values...)
	}
	return h
}

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
