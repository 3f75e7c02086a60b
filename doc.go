// Package chiguard makes an HTTP API keep the promises its documentation
// makes about errors.
//
// An API's error-codes page promises status codes: 400 for a bad request,
// 401 for a missing or expired token, 403, 404, 406, 429, 500 with an alert,
// 502 while the API is being upgraded. chiguard turns that page into
// enforced behaviour for chi routers:
//
//   - package problem renders every failure as an RFC 9457 problem through
//     one shared writer, and keeps the catalog of problem types from which
//     the error-codes page, an OpenAPI fragment and the type docs are
//     generated;
//   - package middleware holds chi middlewares that refuse requests the way
//     the page says: authentication (401), scopes and user/app checks (403,
//     or 404 to conceal), negotiation (406), validation (400/413/415),
//     panic recovery (500), conditional requests (304/412), maintenance
//     (502/503), and 404/405 handlers;
//   - package ratelimit holds per-route rate limits with IETF RateLimit
//     headers and 429 problems, on httprate counters or Redis, and the
//     throttle of failed credentials that Authenticate takes as an option.
//
// This package holds no code; examples/server is a runnable demo API.
package chiguard
