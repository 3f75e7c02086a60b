package ratelimit

import "errors"

// Errors a Limiter reports: from NewLimiter and NewFailureLimiter for a bad
// configuration, and to the logger (never to clients) when a request cannot
// be keyed or counted.
var (
	// ErrInvalidPolicy: a policy's name, quota or window is out of range.
	ErrInvalidPolicy = errors.New("ratelimit: invalid policy")
	// ErrInvalidConfig: options that cannot work together.
	ErrInvalidConfig = errors.New("ratelimit: invalid config")
	// ErrNoClientIP: neither chi's client-IP middleware nor r.RemoteAddr
	// gave an address to key the request by.
	ErrNoClientIP = errors.New("ratelimit: no client IP")
	// ErrNoPrincipal: ByPrincipal found no authenticated principal.
	ErrNoPrincipal = errors.New("ratelimit: no authenticated principal")
	// ErrNoRoute: ByRoute found no chi route pattern; mount the limiter on
	// a route (r.With) or in a group (r.Group), not before routing. The
	// limiter answers it with a logged 500, even with FailOpen: it is a
	// mistake in the router, which retries would not fix.
	ErrNoRoute = errors.New("ratelimit: no route pattern")
)
