package auth

import (
	"errors"
	"net/http"

	"github.com/chiguard/chiguard/problem"
)

// Throttle holds back clients whose credentials keep failing. A verifier
// refuses a wrong API key as fast as it accepts the right one, so without a
// Throttle a client can try keys as fast as it can send them.
// ratelimit.FailureLimiter is the implementation: it counts failures per
// client IP in any ratelimit.Counter, Redis included.
//
// Authenticate consults it only for requests that carry credentials (an
// Authorization header, or a query token with QueryToken): requests
// without any are never held back by it. Nor is a JWT that the JWT
// verifier has already verified and still caches: its check cannot fail,
// so it is no guess, and its user may share the address of a client that
// keeps failing. API keys and introspected tokens have no such exception,
// which would let a held-back client test guesses against the cache.
type Throttle interface {
	// Allow is called before the credentials r carries are checked. If
	// it returns false, it has written the refusal (typically a 429) and
	// the credentials are not checked. Otherwise Authenticate checks them
	// and calls the Attempt's Done exactly once, before writing its own
	// refusal (so Done may set response headers) and before the next
	// handler runs (so Done need not wait for the handler).
	Allow(w http.ResponseWriter, r *http.Request) (Attempt, bool)
}

// Attempt is one credential check a Throttle let through.
type Attempt interface {
	// Done reports how the check ended. failed is true when Authenticate
	// blamed the credentials: invalid or malformed ones (401 invalid_token),
	// an unsupported scheme (401), a 401 problem from the verifier, or more
	// than one credential (400). It is false when they authenticated, and
	// when the verifier itself failed (503 or 500): that says nothing about
	// the client.
	Done(failed bool)
}

// ThrottleFailures has Authenticate consult t before checking any
// credentials and report every check's outcome to it. The usual t is a
// *ratelimit.FailureLimiter, and ratelimit.LimitFailures builds this
// option with one in a single call:
//
//	auth.Authenticate(auth.Bearer(jwts), ratelimit.LimitFailures(20, time.Minute))
//
// Pass the same t to every Authenticate of an API so that a client has one
// budget of failures, not one per route group.
//
// The throttle is an option of Authenticate rather than a middleware of
// its own because only Authenticate knows which requests carry credentials
// and how their check ended: a separate middleware would parse credentials
// again, and would count nothing, silently, if mounted where Authenticate
// cannot reach it.
func ThrottleFailures(t Throttle) Option {
	return func(c *authConfig) { c.throttle, c.throttleSet = t, true }
}

var errNilThrottle = errors.New("auth: ThrottleFailures with a nil Throttle")

// allow asks the throttle, if any, about a request that carries
// credentials. A nil Attempt with true means there is nothing to report.
func (a *authenticator) allow(w http.ResponseWriter, r *http.Request) (Attempt, bool) {
	if a.throttle == nil || !a.hasCredentials(r) {
		return nil, true
	}
	return a.throttle.Allow(w, r)
}

// hasCredentials reports whether r carries credentials Authenticate would
// look at: the same test as the middleware's, before any parsing.
func (a *authenticator) hasCredentials(r *http.Request) bool {
	if len(r.Header["Authorization"]) > 0 {
		return true
	}
	if a.queryParam == "" {
		return false
	}
	_, n := authQueryValue(r.URL.RawQuery, a.queryParam)
	return n > 0
}

// reject reports a failed check to *at, if any, then writes the refusal.
func reject(w http.ResponseWriter, r *http.Request, at *Attempt, p *problem.Problem) {
	done(at, true)
	writeRefusal(w, r, p)
}

// done reports the outcome to *at, if any, and clears it: an attempt is
// reported once.
func done(at *Attempt, failed bool) {
	if a := *at; a != nil {
		*at = nil
		a.Done(failed)
	}
}
