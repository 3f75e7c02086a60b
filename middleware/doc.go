// Package middleware holds the chi middlewares and helpers that make an API
// keep the promises of its error-codes page. Each one refuses a request by
// handing a *problem.Problem to the shared problem writer, so every refusal
// is an RFC 9457 problem with the same headers, logging and alerting.
//
//   - Recoverer: a panic becomes a 500, logged with its stack and alerted.
//   - RequestID: every request gets an ID, for logs, alerts and "instance".
//   - TranslateErrors: errors written by code that does not know chiguard
//     (chi's own middlewares, http.Error) become problems.
//   - Maintenance: a switch that answers 503, or 502, while on.
//   - Authenticate: credentials are checked (401); with
//     ratelimit.LimitFailures, a client whose credentials keep failing gets
//     a 429 and its credentials are no longer checked.
//   - Negotiate: the response format is chosen from Accept (406).
//   - NotFound and MethodNotAllowed: chi's 404 and 405, with a correct
//     Allow header; HeadAsGet makes HEAD work wherever GET does.
//   - RequireScopes and RequireUser: authorization (403 or concealed 404).
//   - DecodeJSON, PathParam, QueryParam, ValidatePath: request bodies and
//     parameters are validated (400, 413, 415).
//   - Conditional and CheckPreconditions: ETags and conditional requests
//     (304, 412).
//   - ProxyErrorHandler: an upstream's failure becomes a 502 or 504.
//
// # Order
//
// Install them in this order, each refusing as early as it can and before
// any work the request does not deserve:
//
//	Recoverer -> RequestID -> TranslateErrors -> Maintenance -> Authenticate
//	-> ratelimit -> Negotiate -> routing (404/405) -> RequireScopes/RequireUser
//	-> body/path validation -> Conditional -> handler
//
// Recoverer is first so that a panic anywhere is caught; RequestID comes
// next so that every log line and problem carries the ID. Maintenance
// answers before credentials are checked or rate limits spent. Rate limits
// follow authentication, to key them by principal. That leaves credential
// guessing to Authenticate itself, which refuses a guess before any limiter
// sees it: give every Authenticate the throttle of failed credentials,
// ratelimit.LimitFailures, which counts failures by client IP and answers
// 429 before the verifier runs. Negotiate refuses an
// unacceptable Accept before routing, so it is installed with r.Use or per
// route group; NotFound and MethodNotAllowed are the router's own handlers.
// Validation and Conditional sit with the routes they protect, closest to
// the handler, which is the only one that knows the resource.
//
// Install the problem writer's middleware, (*problem.Writer).Handler,
// before all of them when the API does not use problem.DefaultWriter.
package middleware
