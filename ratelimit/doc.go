// Package ratelimit limits requests per route with chi, on httprate's
// sliding window, and tells clients where they stand.
//
// Mount a limit on a route or a group:
//
//	r.With(ratelimit.Limit(100, time.Minute)).Post("/search", search)
//
// By default a request is counted by its authenticated principal (set by
// the authentication middleware) or, for anonymous requests, by client IP
// as chi's ClientIPFrom* middleware resolved it, else by the TCP peer; see
// KeyBy for route patterns, custom parts and combinations, and Cost
// for requests that cost more than one unit. AndPolicy adds policies
// enforced together, such as a daily quota beside a burst limit.
//
// Every response through a limiter carries the RateLimit-Policy and
// RateLimit fields of draft-ietf-httpapi-ratelimit-headers (draft 10):
//
//	RateLimit-Policy: "burst";q=100;w=60
//	RateLimit: "burst";r=42;t=18
//
// where r is the quota left and t the seconds until the current window
// ends, or, when nothing is left, until a unit returns. A refused request
// gets 429 with Retry-After, the whole seconds until its cost fits again,
// and a problem (RFC 9457) of the quota-exceeded type listing the
// violated-policies: problem.QuotaExceeded, which problem.DefaultTypes
// documents. Its type URI stays the IANA-registered
// problem.QuotaExceededURI, and the catalog serves its docs; its title and
// texts are the catalog's, so an API that replaces the type there changes
// what every limiter sends.
//
// A limiter checks and takes quota in one atomic step (Counter.Take), so
// concurrent requests never overshoot. Counts live in a LocalCounter by
// default; package rediscount shares them across replicas, and any
// httprate.LimitCounter plugs in through CountInLimitCounter.
//
// If a key cannot be built or a counter fails, the limiter answers a 503
// problem, or serves without a limit with FailOpen; the error is logged,
// never sent.
//
// # Failed credentials
//
// A Limiter after authentication counts requests, not guesses: a client
// trying API keys is refused by Authenticate before any limiter sees it.
// LimitFailures is the Authenticate option that counts failed credential
// checks per client IP (IPv6 clients by their /64) and, beyond its quota,
// answers the same 429 problem without checking the credentials:
//
//	r.Use(auth.Authenticate(auth.Bearer(jwts), ratelimit.LimitFailures(20, time.Minute)))
//
// Successful checks spend nothing, and requests without credentials are
// left to the Limiter. Concurrent guesses cannot overshoot the quota within
// a process. NewFailureLimiter takes the Limiter's options, so CountIn
// shares the failures across replicas through Redis; see FailureLimiter.
package ratelimit
