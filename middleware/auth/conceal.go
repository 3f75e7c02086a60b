package auth

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/conceal"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// Conceal makes the refusals of a route indistinguishable from a missing
// resource: the answer is the very 404 that middleware.NotFound writes for
// a path no route serves (same body, same headers) instead of a 401, 400 or
// 403. Use it on routes whose existence a caller without access must not
// learn, first on the route or group, ahead of Authenticate:
//
//	r.With(auth.Conceal, auth.Authenticate(auth.Bearer(jwt)), auth.RequireScopes("admin")).
//		Put("/admin/maintenance", setMaintenance)
//
// After it, Authenticate answers missing, malformed and invalid credentials
// with the 404, and RequireScopes, RequireAnyScope, RequireUser, RequireApp,
// RequireAuthenticated and Deny answer with the 404 too. Headers that the
// middlewares after Conceal set (RateLimit fields, Vary) are taken back from
// the 404, which then carries only what a real 404 does. The router's 405
// leaves concealed routes out of Allow, and answers 404 when only concealed
// routes serve the path (see middleware.MethodNotAllowed). Conceal may also
// wrap a route's handler, r.Method("PUT", p, auth.Conceal(h)), or a mounted
// router, whose own 404 and 405 (middleware.NotFound and MethodNotAllowed)
// then answer as the root's 404: chi passes the root's on only to a router
// it mounts itself, so Conceal gives a *chi.Mux without a NotFound that
// 404, and makes its MethodNotAllowed answer as its NotFound, whichever
// the order of the calls that give them: mount such a router nowhere
// else. Package contract
// cannot read what a mounted auth.Conceal(sub) guards: prefer
// sub.Use(auth.Conceal, ...).
//
// ratelimit's failure throttle, on an Authenticate after Conceal, answers
// a client whose credentials it no longer checks with the 404 too, not its
// 429: else the budget's worth of wrong credentials would tell the route
// apart. A user behind the address of a guesser gets that 404 as well,
// until the failures age out, but for a JWT already verified and cached.
//
// What Conceal cannot hide: a 503 when the verifier's infrastructure fails
// (a 404 would tell a legitimate client its resource is gone), a 429 from
// a ratelimit.Limit, anything that runs before it, and the budgets a
// concealed route shares with visible ones. A refusal still counts in the failure throttle
// (bad credentials) and in the route's limiter (a caller without access);
// were those budgets shared with a visible route, its RateLimit fields
// would drop faster after a probe of the concealed route than after one of
// an unknown path. Give concealed routes an Authenticate with a throttle of
// their own (LimitFailures or a NewFailureLimiter used only there) and
// limiters of their own.
func Conceal(next http.Handler) http.Handler {
	recheck := func() {}
	if mx, ok := next.(*chi.Mux); ok {
		recheck = sync.OnceFunc(concealRouter(mx))
	}
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		recheck()
		if ctx := conceal.With(r.Context(), w.Header()); ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	}), describeConceal)
}

func init() { conceal.Mark(Conceal) }

// concealRouter gives a router mounted as Conceal(sub) the 404 of an
// unknown path for its unknown paths, where it has no NotFound of its own
// (chi passes the root's on only to a *chi.Mux it mounts itself), and its
// 404 for a method its routes do not serve: any 405 there, chi's default
// first, would name the concealed routes' methods in Allow. The 405 asks
// for the NotFound at each request, so that one given after Conceal
// answers it too; the function returned, run at the first request, takes
// back a MethodNotAllowed given after Conceal (reading alone when none
// was, as requests may already be running on the router).
func concealRouter(mx *chi.Mux) func() {
	if sameFunc(mx.NotFoundHandler(), http.NotFound) {
		mx.NotFound(notVisible)
	}
	asNotFound := func(w http.ResponseWriter, r *http.Request) { mx.NotFoundHandler().ServeHTTP(w, r) }
	mx.MethodNotAllowed(asNotFound)
	return func() {
		if !sameFunc(mx.MethodNotAllowedHandler(), asNotFound) {
			mx.MethodNotAllowed(asNotFound)
		}
	}
}

// sameFunc reports whether a and b run the same code.
func sameFunc(a, b http.HandlerFunc) bool {
	return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}

// concealed reports whether Conceal is in effect for the request.
func concealed(ctx context.Context) bool { return conceal.From(ctx) != nil }

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
// (conceal.NotFound), so a client cannot tell a hidden resource from a
// missing one.
func notVisible(w http.ResponseWriter, r *http.Request) { conceal.NotFound(w, r) }

// errNoAuthenticate is the cause of the 500 an authorization middleware
// answers when no Authenticate ran before it: a routing mistake that must
// not let requests through.
var errNoAuthenticate = errors.New("auth: authorization check (RequireScopes, RequireUser, RequireApp, RequireAuthenticated) on a route without Authenticate before it: add auth.Authenticate to the route or its group, ahead of the check")

// requirePrincipal returns the request's principal. When there is none it
// answers the request and returns nil: Authenticate's 401 for an anonymous
// request, the 404 on a concealed route, a 500 if Authenticate is missing.
func requirePrincipal(w http.ResponseWriter, r *http.Request) *Principal {
	if p := principalIn(r.Context()); p != nil {
		return p
	}
	switch _, a, _ := authIn(r.Context()); {
	case concealed(r.Context()):
		notVisible(w, r)
	case a != nil:
		problem.Write(w, r, a.missing)
	default:
		problem.Write(w, r, problem.InternalServerError("").WithCause(errNoAuthenticate))
	}
	return nil
}
