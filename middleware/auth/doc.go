// Package auth authenticates and authorizes the requests of a chi router,
// answering every refusal with an RFC 9457 problem through the shared
// problem writer.
//
//   - Authenticate reads the Authorization header and checks it with the
//     verifier of its scheme: Bearer tokens (JWT, with static keys or a
//     JWKS, or RFC 7662 introspection) and API keys. Missing, malformed or
//     invalid credentials are a 401 with an RFC 6750 challenge; more than
//     one credential is a 400; a verifier whose infrastructure fails is a
//     503. The Principal it finds is in the request context (PrincipalFrom).
//   - A failure throttle, given to Authenticate as an option, answers 429
//     without running a verifier to a client that failed too many
//     credential checks (see below).
//   - RequireScopes, RequireAnyScope, RequireUser, RequireApp and
//     RequireAuthenticated answer 403 (or Authenticate's 401 for anonymous
//     callers); Deny lets a handler refuse the same way.
//   - Conceal, first on a route, turns every refusal after it into the 404
//     of an unknown path.
//
// Credential guessing is throttled by Authenticate itself, which refuses a
// guess before any rate limiter sees the request:
//
//	auth.Authenticate(auth.Bearer(jwts), ratelimit.LimitFailures(20, time.Minute))
//
// The throttle is the Throttle interface, implemented by package ratelimit,
// so that this package imports no limiter.
//
// Where these go in a router, and why, is stated in the documentation of
// package github.com/chiguard/chiguard.
//
// Conventions: NewX returns *X (NewJWT, NewJWKS, NewIntrospection,
// NewAPIKeys); verifiers are configured with an XConfig struct, Authenticate
// with functional options (Bearer, APIKey, Realm, ...); middlewares that take
// no argument are plain values (Conceal, RequireUser), the others are
// constructors returning one (RequireScopes("a")); errors are sentinel
// values named ErrX, usable with errors.Is.
package auth
