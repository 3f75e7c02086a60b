package auth

import (
	"context"
	"errors"
	"net/http"

	"github.com/chiguard/chiguard/problem"
)

// Conceal makes the authorization failures of a route indistinguishable
// from a missing resource: RequireScopes, RequireAnyScope, RequireUser,
// RequireApp and Deny after it answer with the very 404 that NotFound
// writes (same body, same headers: no WWW-Authenticate) instead of a 403.
// Use it on routes whose existence a caller without access must not learn,
// e.g. r.With(auth.Conceal, auth.RequireScopes("admin")).
// Anonymous requests (see AllowAnonymous) get the 404 too on such routes:
// a 401 would tell them the resource exists.
//
// Conceal hides what happens after it, not what the router did before:
//   - without AllowAnonymous, Authenticate answers requests without valid
//     credentials with a 401 before any route is chosen;
//   - a limiter mounted for the whole group sets its RateLimit fields on
//     the 404 too (a real 404 for an unknown path never reached it), so
//     mount limits per route, after Conceal, on concealed routes;
//   - the router's 405 lists the methods the route serves: route every
//     method to the concealed handler (r.With(...).Handle) to hide them.
//
// The demo API conceals its clouds in the handler instead (one 404 for a
// missing and a hidden cloud), where the route is public and only the
// resource is hidden.
func Conceal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), concealKey{}, true)))
	})
}

type concealKey struct{}

// concealed reports whether Conceal is in effect for the request.
func concealed(ctx context.Context) bool {
	c, _ := ctx.Value(concealKey{}).(bool)
	return c
}

// Deny writes an authorization failure decided by a handler, such as a
// 403 for a project the caller may not modify: p as is, or on a route under
// Conceal the 404 of middleware.NotFound.
func Deny(w http.ResponseWriter, r *http.Request, p *problem.Problem) {
	if concealed(r.Context()) {
		notVisible(w, r)
		return
	}
	problem.Write(w, r, p)
}

// notVisible answers "the resource does not exist or you may not see it":
// the very 404 that middleware.NotFound writes for a path no route serves
// (a bare problem.NotFound), so a client cannot tell a hidden resource from
// a missing one. The auth package does not import middleware, to keep the
// layering one-way; the root contract test compares the two answers.
func notVisible(w http.ResponseWriter, r *http.Request) {
	problem.Write(w, r, notFoundProblem)
}

var notFoundProblem = problem.NotFound("")

// errNoAuthenticate is the cause of the 500 an authorization middleware
// answers when no Authenticate ran before it: a routing mistake that must
// not let requests through.
var errNoAuthenticate = errors.New("auth: authorization check on a route without Authenticate")

// requirePrincipal returns the request's principal. When there is none it
// answers the request and returns nil: Authenticate's 401 for an anonymous
// request, the 404 on a concealed route, a 500 if Authenticate is missing.
func requirePrincipal(w http.ResponseWriter, r *http.Request) *Principal {
	if p := principalIn(r.Context()); p != nil {
		return p
	}
	switch a, anonymous := r.Context().Value(anonymousKey{}).(*authenticator); {
	case concealed(r.Context()):
		notVisible(w, r)
	case anonymous:
		problem.Write(w, r, a.missing)
	default:
		problem.Write(w, r, problem.InternalServerError("").WithCause(errNoAuthenticate))
	}
	return nil
}
