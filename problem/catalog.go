package problem

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// Type documents one problem type: what the API promises a client about it.
type Type struct {
	// Slug names a type under the catalog's base URI, e.g. "not-found".
	// Leave it empty and set URI for a type defined elsewhere, such as the
	// IANA-registered quota-exceeded.
	Slug string
	// URI is an absolute type URI, for types outside the catalog's base.
	URI string
	// Status is the HTTP status the type is always sent with.
	Status int
	// Title is the short, stable summary sent as "title".
	Title string
	// Description is the text people read on the error-codes page and at
	// the type URI: when it happens and what to do.
	Description string
}

// Errors reported by Catalog.Register.
var (
	ErrDuplicateType = errors.New("problem: type already registered")
	ErrInvalidType   = errors.New("problem: invalid type")
)

// Catalog is the registry of every problem type an API emits, from which the
// Writer takes types and titles and the docs are rendered. Make one with
// NewCatalog (a zero Catalog is empty, with an empty base) and register
// types at start-up; lookups are lock-free and safe for concurrent use.
type Catalog struct {
	base  string
	mu    sync.Mutex // serializes Register
	state atomic.Pointer[catalogState]
}

type catalogState struct {
	types    []Type
	heads    [][]byte // per type: its body up to the status, rendered once
	bySlug   map[string]int
	byURI    map[string]int
	byStatus map[int]int // first type registered for a status
}

// at returns the type at i and its rendered head.
func (s *catalogState) at(i int) (*Type, []byte) { return &s.types[i], s.heads[i] }

// DefaultBase is the base URI of DefaultCatalog: a relative reference, so
// type URIs resolve against the API's own host, where the catalog's Handler
// serves them. RFC 9457 prefers absolute URIs: production APIs should give
// NewCatalog their public base, e.g. "https://api.example.com/problems/".
const DefaultBase = "/problems/"

// DefaultCatalog is the documented default: DefaultTypes under DefaultBase.
// Writers without a catalog use it.
var DefaultCatalog = NewCatalog(DefaultBase)

// NewCatalog returns a catalog holding DefaultTypes under base. base is a
// URI reference ending in "/"; one is added if missing.
func NewCatalog(base string) *Catalog {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	c := &Catalog{base: base}
	c.state.Store(&catalogState{
		bySlug: map[string]int{}, byURI: map[string]int{}, byStatus: map[int]int{},
	})
	for _, t := range DefaultTypes() {
		if err := c.Register(t); err != nil {
			panic(err) // the defaults are ours: a failure is a bug here
		}
	}
	return c
}

// Base returns the base URI that slugs resolve against.
func (c *Catalog) Base() string { return c.base }

// Register adds t. A type needs a Slug (letters, digits and '-') or an
// absolute URI, a 4xx or 5xx Status and a Title.
func (c *Catalog) Register(t Type) error {
	if err := c.check(t); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.state.Load()
	if old == nil { // a zero Catalog: empty, with an empty base
		old = &catalogState{}
	}
	uri := c.URI(t)
	if _, dup := old.byURI[uri]; dup {
		return fmt.Errorf("%w: %s", ErrDuplicateType, uri)
	}
	next := &catalogState{
		types:    append(old.types[:len(old.types):len(old.types)], t),
		heads:    append(old.heads[:len(old.heads):len(old.heads)], appendHead(nil, "", uri, t.Title, t.Status)),
		bySlug:   copyMap(old.bySlug),
		byURI:    copyMap(old.byURI),
		byStatus: copyMap(old.byStatus),
	}
	i := len(next.types) - 1
	if t.Slug != "" {
		next.bySlug[t.Slug] = i
	}
	next.byURI[uri] = i
	if _, ok := next.byStatus[t.Status]; !ok {
		next.byStatus[t.Status] = i
	}
	c.state.Store(next)
	return nil
}

// MustRegister is Register for start-up code: it panics on error.
func (c *Catalog) MustRegister(types ...Type) {
	for _, t := range types {
		if err := c.Register(t); err != nil {
			panic(err)
		}
	}
}

func (c *Catalog) check(t Type) error {
	switch {
	case t.Slug == "" && t.URI == "":
		return fmt.Errorf("%w: needs a Slug or a URI", ErrInvalidType)
	case t.Slug != "" && t.URI != "":
		return fmt.Errorf("%w %q: set Slug or URI, not both", ErrInvalidType, t.Slug)
	case t.Status < 400 || t.Status > 599:
		return fmt.Errorf("%w %q: status %d is not an error status", ErrInvalidType, t.Slug+t.URI, t.Status)
	case t.Title == "":
		return fmt.Errorf("%w %q: needs a Title", ErrInvalidType, t.Slug+t.URI)
	}
	if t.Slug != "" && !isSlug(t.Slug) {
		return fmt.Errorf("%w %q: a slug holds only letters, digits and '-'", ErrInvalidType, t.Slug)
	}
	if t.URI != "" {
		if u, err := url.Parse(t.URI); err != nil || !u.IsAbs() {
			return fmt.Errorf("%w %q: URI must be absolute", ErrInvalidType, t.URI)
		}
	}
	return nil
}

// URI returns the type URI of t: base+slug, or t.URI.
func (c *Catalog) URI(t Type) string {
	if t.Slug != "" {
		return c.base + t.Slug
	}
	return t.URI
}

// Types returns every registered type, in registration order.
func (c *Catalog) Types() []Type {
	return append([]Type(nil), c.types()...)
}

func (c *Catalog) types() []Type {
	if s := c.state.Load(); s != nil {
		return s.types
	}
	return nil
}

// Lookup finds a type by slug or by type URI.
func (c *Catalog) Lookup(slugOrURI string) (Type, bool) {
	t, ok := c.lookup(slugOrURI)
	if !ok {
		return Type{}, false
	}
	return *t, true
}

func (c *Catalog) lookup(slugOrURI string) (*Type, bool) {
	s := c.state.Load()
	if s == nil {
		return nil, false
	}
	i, ok := s.bySlug[slugOrURI]
	if !ok {
		i, ok = s.byURI[slugOrURI]
	}
	if !ok {
		return nil, false
	}
	return &s.types[i], true
}

// ForStatus returns the first type registered for status.
func (c *Catalog) ForStatus(status int) (Type, bool) {
	t, ok := c.forStatus(status)
	if !ok {
		return Type{}, false
	}
	return *t, true
}

func (c *Catalog) forStatus(status int) (*Type, bool) {
	s := c.state.Load()
	if s == nil {
		return nil, false
	}
	i, ok := s.byStatus[status]
	if !ok {
		return nil, false
	}
	return &s.types[i], true
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

func copyMap[K comparable, V any](m map[K]V) map[K]V {
	n := make(map[K]V, len(m)+1)
	for k, v := range m {
		n[k] = v
	}
	return n
}
