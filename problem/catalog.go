package problem

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
)

// Errors reported by the Catalog's Register, Replace and Remove.
var (
	ErrDuplicateType = errors.New("problem: type already registered")
	ErrInvalidType   = errors.New("problem: invalid type")
	ErrUnknownType   = errors.New("problem: no such type in the catalog")
)

// Catalog is the registry of every problem type an API sends, from which
// the Writer takes types and titles and the docs and the OpenAPI document
// are rendered. It belongs to the API: NewCatalog starts it empty, and the
// API registers the types it sends, DefaultTypes or its own, then replaces
// or removes any of them. Change it at start-up; lookups are lock-free and
// safe for concurrent use. A zero Catalog is empty, under DefaultBase.
type Catalog struct {
	base  string
	mu    sync.Mutex // serializes changes
	state atomic.Pointer[catalogState]
}

// catalogState is one version of a catalog's content, never modified once
// stored: a change stores a new one.
type catalogState struct {
	types     []Type
	heads     [][]byte // per type: its body up to the status, rendered once
	bySlug    map[string]int
	byURI     map[string]int
	byStatus  map[int]int // first type of a status
	byDefault []int       // per default type: its position here, or -1
	success   []SuccessStatus

	examples     sync.Once
	exampleCache []example // per type, rendered on first use by the docs
}

var emptyState = newState(nil, "", nil)

func newState(types []Type, base string, success []SuccessStatus) *catalogState {
	s := &catalogState{
		types:     types,
		heads:     make([][]byte, len(types)),
		bySlug:    make(map[string]int, len(types)),
		byURI:     make(map[string]int, len(types)),
		byStatus:  map[int]int{},
		byDefault: make([]int, len(defaultTypes)),
		success:   success,
	}
	for i := range types {
		t := &types[i]
		uri := typeURI(base, t)
		s.heads[i] = appendHead(nil, "", uri, t.Title, t.Status)
		s.bySlug[t.Slug] = i
		s.byURI[uri] = i
		if _, ok := s.byStatus[t.Status]; !ok {
			s.byStatus[t.Status] = i
		}
	}
	for i, d := range defaultTypes {
		j, ok := s.bySlug[d.Slug]
		if !ok {
			j = -1
		}
		s.byDefault[i] = j
	}
	return s
}

// at returns the type at i and its rendered head.
func (s *catalogState) at(i int) (*Type, []byte) { return &s.types[i], s.heads[i] }

// DefaultBase is the base URI of DefaultCatalog and of a zero Catalog: a
// relative reference, so type URIs resolve against the API's own host,
// where the catalog's DocsHandler serves them. RFC 9457 prefers absolute
// URIs: production APIs should give NewCatalog their public base, e.g.
// "https://api.example.com/problems/".
const DefaultBase = "/problems/"

// DefaultCatalog holds DefaultTypes under DefaultBase. Writers without a
// catalog use it.
var DefaultCatalog = func() *Catalog {
	c := NewCatalog(DefaultBase)
	c.MustRegister(DefaultTypes()...)
	return c
}()

// NewCatalog returns an empty catalog whose slugs resolve against base, a
// URI reference ending in "/" (one is added if missing). A relative path
// such as "problems" is taken from the root, "/problems/": clients resolve
// a type URI against the request's URL, and each path would get its own.
// Register the types the API sends; DefaultTypes covers every status
// chiguard's middlewares answer:
//
//	c := problem.NewCatalog("https://api.example.com/problems/")
//	c.MustRegister(problem.DefaultTypes()...)
func NewCatalog(base string) *Catalog {
	if u, err := url.Parse(base); err == nil && u.Scheme == "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return &Catalog{base: base}
}

// Base returns the base URI that slugs resolve against.
func (c *Catalog) Base() string {
	if c.base == "" {
		return DefaultBase
	}
	return c.base
}

// URI returns the type URI of t: t.URI, or the base and t.Slug.
func (c *Catalog) URI(t Type) string { return typeURI(c.Base(), &t) }

func typeURI(base string, t *Type) string {
	if t.URI != "" {
		return t.URI
	}
	return base + t.Slug
}

func (c *Catalog) load() *catalogState {
	if s := c.state.Load(); s != nil {
		return s
	}
	return emptyState
}

// change applies edit to a copy of the types and stores the result, or
// changes nothing if edit fails or the result is not a valid catalog.
func (c *Catalog) change(edit func(types []Type) ([]Type, error)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.load()
	types, err := edit(append([]Type(nil), old.types...))
	if err != nil {
		return err
	}
	uris := make(map[string]string, len(types))
	for _, t := range types {
		if i, ok := defaultIndex[t.Slug]; ok && t.Status != defaultTypes[i].Status {
			// The constructors and middlewares send this slug with the
			// default's status: the docs would promise another one.
			return fmt.Errorf("%w %q: chiguard sends it with status %d, not %d; register a type of your own slug for %d",
				ErrInvalidType, t.Slug, defaultTypes[i].Status, t.Status, t.Status)
		}
		uri := c.URI(t)
		if other, dup := uris[uri]; dup {
			return fmt.Errorf("%w: %s is the type URI of %q and %q", ErrDuplicateType, uri, other, t.Slug)
		}
		uris[uri] = t.Slug
	}
	c.state.Store(newState(types, c.Base(), old.success))
	return nil
}

// Register adds types, after those already registered. The docs list
// types by status, and in the order registered within a status. A type needs a Slug (letters, digits and '-'), a 4xx
// or 5xx Status (for a slug of DefaultTypes, that type's status) and a
// Title; its slug and type URI must be new to the catalog
// (ErrDuplicateType: use Replace to change a type). Either every type is
// added or, on error, none.
func (c *Catalog) Register(types ...Type) error {
	return c.change(func(ts []Type) ([]Type, error) {
		for _, t := range types {
			if err := t.check(); err != nil {
				return nil, err
			}
			if indexOf(ts, t.Slug) >= 0 {
				return nil, fmt.Errorf("%w: %q", ErrDuplicateType, t.Slug)
			}
			ts = append(ts, t.clone())
		}
		return ts, nil
	})
}

// MustRegister is Register for start-up code: it panics on error.
func (c *Catalog) MustRegister(types ...Type) {
	if err := c.Register(types...); err != nil {
		panic(err)
	}
}

// Replace puts each of types in the place of the registered type of the
// same slug: its title, texts, members, headers, example, URI and, for the
// API's own types, status become the new one's. A slug of DefaultTypes
// keeps its status (ErrInvalidType), since chiguard sends it with that
// status. To change one text, start from Lookup:
//
//	t, _ := c.Lookup(problem.TypeForbidden)
//	t.Description = "Your plan does not include this feature."
//	err := c.Replace(t)
//
// A slug the catalog lacks is ErrUnknownType. Either every type is
// replaced or, on error, none.
func (c *Catalog) Replace(types ...Type) error {
	return c.change(func(ts []Type) ([]Type, error) {
		for _, t := range types {
			if err := t.check(); err != nil {
				return nil, err
			}
			i := indexOf(ts, t.Slug)
			if i < 0 {
				return nil, fmt.Errorf("%w: %q (Register adds a type)", ErrUnknownType, t.Slug)
			}
			ts[i] = t.clone()
		}
		return ts, nil
	})
}

// Remove takes the types of the given slugs out of the catalog, so that
// the docs list only what the API sends. A problem of a removed type is
// still written, with its status and a logged reminder that its type is
// not in the catalog. A slug the catalog lacks is ErrUnknownType. Either
// every type is removed or, on error, none.
func (c *Catalog) Remove(slugs ...string) error {
	return c.change(func(ts []Type) ([]Type, error) {
		for _, s := range slugs {
			i := indexOf(ts, s)
			if i < 0 {
				return nil, fmt.Errorf("%w: %q", ErrUnknownType, s)
			}
			ts = append(ts[:i], ts[i+1:]...)
		}
		return ts, nil
	})
}

func indexOf(types []Type, slug string) int {
	for i := range types {
		if types[i].Slug == slug {
			return i
		}
	}
	return -1
}

// Types returns every registered type, in order. The slice and the types
// are the caller's own.
func (c *Catalog) Types() []Type {
	ts := c.load().types
	out := make([]Type, len(ts))
	for i, t := range ts {
		out[i] = t.clone()
	}
	return out
}

// Lookup finds a type by slug or by type URI. The type is the caller's own.
func (c *Catalog) Lookup(slugOrURI string) (Type, bool) {
	t, ok := c.lookup(slugOrURI)
	if !ok {
		return Type{}, false
	}
	return t.clone(), true
}

func (c *Catalog) lookup(slugOrURI string) (*Type, bool) {
	s := c.load()
	i, ok := s.bySlug[slugOrURI]
	if !ok {
		i, ok = s.byURI[slugOrURI]
	}
	if !ok {
		return nil, false
	}
	return &s.types[i], true
}

// ForStatus returns the first type registered for status: the one a
// problem with a Status and no Type gets.
func (c *Catalog) ForStatus(status int) (Type, bool) {
	s := c.load()
	i, ok := s.byStatus[status]
	if !ok {
		return Type{}, false
	}
	return s.types[i].clone(), true
}

// SuccessStatus documents a success status on the error-codes page.
type SuccessStatus struct {
	Status      int    `json:"status"`
	Description string `json:"description"`
}

// SetSuccessStatuses sets the success statuses the error-codes page lists
// before the problem types, in order; none by default. Statuses must be
// 1xx to 3xx.
func (c *Catalog) SetSuccessStatuses(statuses ...SuccessStatus) error {
	for _, s := range statuses {
		if s.Status < 100 || s.Status > 399 {
			return fmt.Errorf("%w: status %d is not a success status", ErrInvalidType, s.Status)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.load()
	c.state.Store(newState(old.types, c.Base(), append([]SuccessStatus(nil), statuses...)))
	return nil
}

// SuccessStatuses returns the success statuses the page lists.
func (c *Catalog) SuccessStatuses() []SuccessStatus {
	return append([]SuccessStatus(nil), c.load().success...)
}
