// Package middleware holds the general chi middlewares and handlers that
// make an API keep the promises of its error-codes page. Each one refuses a
// request by handing a *problem.Problem to the shared problem writer, so
// every refusal is an RFC 9457 problem with the same headers, logging and
// alerting.
//
//   - Recoverer: a panic becomes a 500, logged with its stack and alerted.
//   - RequestID: every request gets an ID, for logs, alerts and "instance".
//   - TranslateErrors: errors written by code that does not know chiguard
//     (chi's own middlewares, http.Error) become problems.
//   - Maintenance: a switch that answers 503, or 502, while on.
//   - Negotiate: the response format is chosen from Accept (406).
//   - NotFound and MethodNotAllowed: chi's 404 and 405, with a correct
//     Allow header; HeadAsGet makes HEAD work wherever GET does.
//   - Conditional and CheckPreconditions: ETags and conditional requests
//     (304, 412).
//   - ProxyErrorHandler: an upstream's failure becomes a 502 or 504.
//
// Authentication and authorization are in package middleware/auth, request
// bodies and parameters in package middleware/bind.
//
// The order in which to install them, and why, is stated once, in the
// documentation of package github.com/chiguard/chiguard. In short: the
// problem writer's Handler, Recoverer, RequestID, Maintenance and HeadAsGet
// before routing; then per group or route Authenticate (with its failure
// throttle), rate limits, the authorization checks, Negotiate, input,
// Conditional, and the handler.
package middleware
