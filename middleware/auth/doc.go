// Package auth authenticates and authorizes the requests of a chi API.
// Authenticate checks the credentials of each request with one Verifier per
// Authorization scheme (JWT, JWKS, introspection, API keys) and stores the
// Principal they stand for; RequireScopes, RequireUser, RequireApp and
// Conceal then authorize it (403, or a concealed 404).
//
// A verifier refuses a wrong guess as fast as it accepts the right key, and
// Authenticate refuses it before any rate limiter sees the request. Give
// Authenticate the throttle of failed credentials, which answers a client
// whose credentials keep failing with a 429, without checking them:
//
//	auth.Authenticate(auth.Bearer(jwts), ratelimit.LimitFailures(20, time.Minute))
//
// The throttle is the Throttle interface, implemented by package ratelimit,
// so that this package imports no limiter.
package auth
