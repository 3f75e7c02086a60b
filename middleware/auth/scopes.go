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
}

func requireScopes(scopes []string, all bool) func(http.Handler) http.Handler {
	if len(scopes) == 0 {
		panic("auth: RequireScopes and RequireAnyScope need at least one scope")
	}
	for _, s := range scopes {
		if !validScope(s) {
			panic(fmt.Sprintf("auth: %q is not a valid scope", s))
		}
	}
	c := &scopeCheck{scopes: slices.Clone(scopes), all: all, list: strings.Join(scopes, " ")}
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

func (c *scopeCheck) granted(p *Principal) bool {
	for _, s := range c.scopes {
		if scopeListHas(p.Scope, s) != c.all {
			return !c.all
		}
	}
	return c.all
}

func (c *scopeCheck) deny(w http.ResponseWriter, r *http.Request, p *Principal) {
	if concealed(r.Context()) {
		notVisible(w, r)
		return
	}
	var missing []string
	for _, s := range c.scopes {
		if !p.HasScope(s) {
			missing = append(missing, s)
		}
	}
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
	if a := authIn(r.Context()); a != nil && a.a != nil {
		realm = a.a.realm
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
