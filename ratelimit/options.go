package ratelimit

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/httprate"
)

// Option configures a Limiter (Limit, NewLimiter) or a FailureLimiter
// (LimitFailures, NewFailureLimiter).
type Option func(*config)

type config struct {
	policies     []Policy
	keys         []KeyFunc
	cost         func(*http.Request) int
	counter      Counter
	limitCounter httprate.LimitCounter
	legacy       bool
	failOpen     bool
	logger       *slog.Logger
}

// AndPolicy adds a policy enforced together with the first, e.g. a daily
// quota beside a burst limit. A request is served only if every policy
// allows it, and then counts against all of them.
func AndPolicy(p Policy) Option {
	return func(c *config) { c.policies = append(c.policies, p) }
}

// Name names the limiter's first policy, the one Limit or NewLimiter is
// given, in place of its Name or the default one ("600-per-1m"): the name
// the RateLimit fields and a 429's violated-policies give it, and under
// which limiters sharing a Counter share its counts. Two limits of one
// quota and window on a route need names of their own. An empty name
// leaves the default.
func Name(name string) Option {
	return func(c *config) {
		if name != "" {
			c.policies[0].Name = name
		}
	}
}

// KeyBy sets what a request is counted by: the parts are combined, e.g.
// KeyBy(ByPrincipalOrIP, ByRoute) gives each client a quota per route. The
// default is ByPrincipalOrIP.
func KeyBy(parts ...KeyFunc) Option {
	return func(c *config) { c.keys = parts }
}

// Cost sets how many units a request takes, e.g. more for a bulk
// endpoint; the default is 1. A negative cost counts as 0: such a request
// takes nothing, and is refused only while its key is over a quota.
func Cost(cost func(r *http.Request) int) Option {
	return func(c *config) { c.cost = cost }
}

// CountIn sets where counts are kept, e.g. a rediscount.Counter so a quota
// holds across replicas. The default is a LocalCounter of the limiter's own.
func CountIn(counter Counter) Option {
	return func(c *config) { c.counter, c.limitCounter = counter, nil }
}

// CountInLimitCounter keeps counts in any httprate.LimitCounter. Such a
// counter holds a single window, so the limiter may have only one policy,
// and it has no atomic check-and-increment: within this process a per-key
// lock makes it exact, but replicas sharing it can overshoot the quota
// under concurrent load. Prefer a Counter for shared counts.
func CountInLimitCounter(counter httprate.LimitCounter) Option {
	return func(c *config) { c.limitCounter, c.counter = counter, nil }
}

// LegacyHeaders also sends X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (Unix time, seconds), for clients that predate the
// RateLimit fields. With several policies, of this limiter or of others
// with LegacyHeaders before it on the route, they describe the one closest
// to refusing, or on a 429 the refusing limiter's policy that Retry-After
// comes from.
func LegacyHeaders() Option {
	return func(c *config) { c.legacy = true }
}

// FailOpen serves a request without a limit, and logs, when its key cannot
// be built or its counter fails. The default is to fail closed: a 503
// problem. Either way the error's text is logged, never sent.
// (rediscount.Counter falls back to local counts on its own: it fails
// only if its fallback does.)
func FailOpen() Option {
	return func(c *config) { c.failOpen = true }
}

// Logger sets the logger of key and counter failures; the default is
// slog.Default(). Failures are logged at most once a second per limiter,
// with the number left out.
func Logger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}
