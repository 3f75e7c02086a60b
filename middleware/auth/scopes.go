package auth

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// RequireScopes lets through only principals granted every one of scopes.
// Others get a 403 with `WWW-Authenticate: Bearer error="insufficient_scope",
// scope="..."` (RFC 6750 §3.1) and a problem listing the scopes under
// "required_scopes" and "missing_scopes"; or, under Conceal, a 404. The
// check allocates nothing. It panics if a scope is not an RFC 6749 scope
// token.
func RequireScopes(scopes ...string) func(http.Handler) http.Handler {
	return requireScopes(scopes, true)
}

// RequireAnyScope lets through only principals granted at least one of
// scopes, for scopes that are aliases of one another (e.g. "ifc:write" and
// "model:write"). Refusals are those of RequireScopes.
func RequireAnyScope(scopes ...string) func(http.Handler) http.Handler {
	return requireScopes(scopes, false)
}

type scopeCheck struct {
	scopes []string
	all    bool
	list   string // scopes, space-separated, for the challenge
	// index numbers the distinct scopes when there are enough of them
	// that searching the granted list once per scope would cost more
	// than one pass over it.
	index    map[string]int
	distinct int
}

// indexedScopes is the number of required scopes from which granted checks
// them with one pass over the granted list: linear in both lists, where a
// search per required scope is their product.
const indexedScopes = 5

func requireScopes(scopes []string, all bool) func(http.Handler) http.Handler {
	c := newScopeCheck(scopes, all)
	return func(next http.Handler) http.Handler {
		return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := requirePrincipal(w, r)
			if p == nil {
				return
			}
			if !c.granted(p) {
				c.deny(w, r, p)
				return
			}
			next.ServeHTTP(w, r)
		}), c.describe)
	}
}

// newScopeCheck checks scopes, all of them or any; it panics on a bad scope.
func newScopeCheck(scopes []string, all bool) *scopeCheck {
	if len(scopes) == 0 {
		panic("auth: RequireScopes and RequireAnyScope need at least one scope")
	}
	for _, s := range scopes {
		if !validScope(s) {
			panic(fmt.Sprintf("auth: %q is not a valid scope", s))
		}
	}
	c := &scopeCheck{scopes: slices.Clone(scopes), all: all, list: strings.Join(scopes, " ")}
	if len(scopes) >= indexedScopes {
		c.index = make(map[string]int, len(scopes))
		for _, s := range scopes {
			if _, ok := c.index[s]; !ok {
				c.index[s] = len(c.index)
			}
		}
		c.distinct = len(c.index)
	}
	return c
}

func (c *scopeCheck) granted(p *Principal) bool {
	if c.index != nil {
		return c.grantedIndexed(p.Scope)
	}
	for _, s := range c.scopes {
		if scopeListHas(p.Scope, s) != c.all {
			return !c.all
		}
	}
	return c.all
}

// grantedIndexed is granted in one pass over list, whose scopes are
// separated by single spaces (Authenticate checks it).
func (c *scopeCheck) grantedIndexed(list string) bool {
	var small [4]uint64 // 256 scopes without allocating
	_, ok := c.seen(list, small[:], true)
	return ok
}

// seen marks in a bitmap, by index, the required scopes list grants, in
// one pass over it, and reports whether the check passes. With stop, it
// returns as soon as it knows; the bitmap is then incomplete.
func (c *scopeCheck) seen(list string, small []uint64, stop bool) ([]uint64, bool) {
	seen := small
	if c.distinct > 64*len(small) {
		seen = make([]uint64, (c.distinct+63)/64)
	}
	found := 0
	for s := range strings.SplitSeq(list, " ") {
		i, ok := c.index[s]
		if !ok {
			continue
		}
		if !c.all && stop {
			return seen, true
		}
		if bit := uint64(1) << (i % 64); seen[i/64]&bit == 0 {
			seen[i/64] |= bit
			if found++; found == c.distinct && stop {
				return seen, true
			}
		}
	}
	return seen, c.all && found == c.distinct || !c.all && found > 0
}

// missing lists the required scopes p lacks, in one pass over p's scopes
// when they are indexed.
func (c *scopeCheck) missing(p *Principal) []string {
	var missing []string
	if c.index == nil {
		for _, s := range c.scopes {
			if !p.HasScope(s) {
				missing = append(missing, s)
			}
		}
		return missing
	}
	var small [4]uint64
	seen, _ := c.seen(p.Scope, small[:], false)
	for _, s := range c.scopes {
		if i := c.index[s]; seen[i/64]&(uint64(1)<<(i%64)) == 0 {
			missing = append(missing, s)
		}
	}
	return missing
}

func (c *scopeCheck) deny(w http.ResponseWriter, r *http.Request, p *Principal) {
	if concealed(r.Context()) {
		notVisible(w, r)
		return
	}
	missing := c.missing(p)
	var detail string
	switch {
	case len(c.scopes) == 1:
		detail = "This resource requires the scope " + c.scopes[0] + ", which your credentials lack."
	case c.all:
		detail = "This resource requires the scopes " + strings.Join(c.scopes, ", ") +
			"; your credentials lack " + strings.Join(missing, ", ") + "."
	default:
		detail = "This resource requires one of the scopes " + strings.Join(c.scopes, ", ") +
			"; your credentials have none of them."
	}
	scheme := p.Scheme
	if !validSchemeName(scheme) {
		scheme = "Bearer"
	}
	description := "The credentials lack a scope this resource requires"
	if strings.EqualFold(scheme, "Bearer") {
		description = "The access token lacks a scope this resource requires"
	}
	realm := ""
	if _, a, _ := authIn(r.Context()); a != nil {
		realm = a.realm
	}
	problem.Write(w, r, problem.Forbidden(detail).
		With("required_scopes", c.scopes).
		With("missing_scopes", missing).
		WithHeader("WWW-Authenticate", challenge(scheme,
			"realm", realm,
			"error", errInsufficientScope,
			"error_description", description,
			"scope", c.list)))
}
