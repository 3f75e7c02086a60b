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
//     the error-codes page, an OpenAPI document and the type docs are
//     generated;
//   - package middleware holds the general middlewares: panic recovery
//     (500), request IDs, maintenance (502/503), negotiation (406), 404/405
//     handlers, conditional requests (304/412), upstream failures (502/504);
//   - package middleware/auth authenticates (401, RFC 6750 challenges),
//     throttles credential guessing (429) and authorizes (403, or a
//     concealed 404);
//   - package middleware/bind decodes and validates request input (400,
//     413, 415);
//   - package ratelimit holds per-route rate limits with IETF RateLimit
//     headers and 429 problems, counted locally or, with
//     ratelimit/rediscount, in Redis across replicas, and the throttle of
//     failed credentials that Authenticate takes as an option;
//   - package contract reads back from a router what each route needs and
//     can answer, as its middlewares describe it: the OpenAPI paths, a
//     routes page, and checks of this order; contract/contracttest holds a
//     hand-written OpenAPI document and the tests to the router.
//
// This package holds no code; examples/server is a runnable demo API.
//
// # The order of the middlewares
//
// This is the one recommended order. The README's quick start, the demo in
// examples/server/api and the Examples use exactly this order.
//
//	r := chi.NewRouter()
//	r.Use(
//		pw.Handler,           // 1. the API's problem writer
//		middleware.Recoverer, // 2. 500 and an alert for a panic
//		middleware.RequestID, // 3. one ID per request
//		maintenance.Handler,  // 4. 502/503 while the API is down
//		middleware.HeadAsGet, // 5. HEAD wherever GET is routed
//	)
//	r.NotFound(middleware.NotFound)                 // 6. 404
//	r.MethodNotAllowed(middleware.MethodNotAllowed) //    405
//	r.Group(func(r chi.Router) {
//		r.Use(
//			auth.Authenticate(auth.Bearer(jwt),        // 7. 401
//				ratelimit.LimitFailures(20, time.Minute)), //    429 for guessing
//			ratelimit.Limit(600, time.Minute), // 8. 429
//		)
//		r.With(
//			auth.RequireScopes("cloud:read"),         // 9. 403
//			middleware.Negotiate("application/json"), // 10. 406
//			bind.ValidatePath[int64]("id"),           // 11. 400
//			middleware.Conditional,                   // 12. 304, 412
//		).Get("/cloud/{id}", problem.HandlerFunc(getCloud))
//	})
//
// Why this order, step by step:
//
//  1. The problem writer comes first, so that every refusal after it, the
//     Recoverer's 500 included, uses the API's catalog, logger and alert
//     hook. Before it, problem.DefaultWriter answers. A panic that reaches
//     the writer is logged with the fix: Recoverer belongs after it.
//  2. Recoverer catches a panic anywhere after it.
//  3. RequestID gives every log line, alert and "instance" member the ID.
//  4. Maintenance refuses before any credential is checked or quota spent.
//  5. HeadAsGet needs the router's routes, and must run before chi picks a
//     handler.
//  6. Routing: an unknown path is a 404 before any credentials are asked
//     for, which is also what lets Conceal make a hidden route look like an
//     unknown one. chi runs a subrouter's middlewares, and those of the
//     group it is mounted in, before the subrouter picks a route: register
//     the routes of an authenticated group flat in the group
//     (r.Get("/cloud/{cloudPk}/project", ...)) rather than in r.Route, or
//     unknown paths below the mount are refused (401) instead; the
//     contract lists those refusals under the mount (contract.Mount).
//  7. Authentication runs per group, after routing, so that public routes
//     (health checks, the error docs) need none. Its failure throttle
//     (ratelimit.LimitFailures) is an option of Authenticate, not a
//     middleware of its own: only Authenticate knows which requests carry
//     credentials and how their check ended, and a throttled client's guess
//     is refused before any verifier runs. Pass the same throttle to every
//     Authenticate, so a client has one budget for the whole API
//     (concealed routes aside: see auth.Conceal).
//  8. Rate limits follow authentication, so they are counted by principal
//     (anonymous callers, with AllowAnonymous, by client IP). A limiter
//     keyed by route must be mounted after routing too; a route's own
//     limiter comes first on the route, ahead of authorization, as the
//     group's does.
//  9. Authorization comes before negotiation and input, so a caller without
//     access learns nothing of the formats or bodies a route takes.
//  10. Negotiate refuses an unacceptable Accept before the body is read.
//  11. Input is decoded and validated only for callers who may send it.
//  12. Conditional sits closest to the handler, the only one that knows the
//     resource.
//
// A route whose existence must stay hidden puts auth.Conceal first, ahead
// of Authenticate, on the route or its group: every refusal after it is then
// the very 404 of an unknown path, headers included.
//
// middleware.TranslateErrors, for APIs with code that writes its errors
// without chiguard (chi's own middlewares, http.Error), goes in the root's
// r.Use right after RequestID, so that it turns what every later middleware
// and handler writes into problems. A CORS middleware, such as
// go-chi/cors's Handler, comes next, before Maintenance: it answers
// preflight OPTIONS requests before any credential is asked for, and the
// headers it sets are on every refusal after it, which a browser's script
// could not read otherwise.
//
// contract.Check(r), at start-up or in a test, names the routes whose
// middlewares break this order in the ways it knows to defeat a middleware
// (see contract.Check for the list), and the fix.
package chiguard
