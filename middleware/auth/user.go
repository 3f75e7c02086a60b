package auth

import (
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

var (
	exclusiveToUsers = problem.Forbidden("This resource is exclusive to users: authenticate as a user, not with an app's credentials.")
	exclusiveToApps  = problem.Forbidden("This resource is exclusive to apps: authenticate with an app's credentials (client credentials or API key), not as a user.")
)

// RequireUser lets through only requests authenticated as a user (see
// Principal.Kind); apps get a 403 saying the resource is exclusive to
// users, or a 404 under Conceal.
func RequireUser(next http.Handler) http.Handler {
	return requireKind(KindUser, exclusiveToUsers, next)
}

// RequireApp lets through only requests authenticated as an app; users get
// a 403 saying the resource is exclusive to apps, or a 404 under Conceal.
func RequireApp(next http.Handler) http.Handler {
	return requireKind(KindApp, exclusiveToApps, next)
}

func requireKind(kind Kind, refusal *problem.Problem, next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := requirePrincipal(w, r)
		if p == nil {
			return
		}
		if p.Kind != kind {
			Deny(w, r, refusal)
			return
		}
		next.ServeHTTP(w, r)
	}), describeKind(kind))
}

// RequireAuthenticated lets through only requests with a principal. It is
// for routes behind Authenticate with AllowAnonymous that need a caller but
// no particular scope: an anonymous request gets Authenticate's 401 (a 404
// under Conceal).
func RequireAuthenticated(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requirePrincipal(w, r) != nil {
			next.ServeHTTP(w, r)
		}
	}), describeAuthenticated)
}
