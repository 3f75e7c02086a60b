package bind

import "net/http"

// ValidateQuery returns a middleware that answers 400 when a named query
// parameter is there but does not parse as T (as QueryParam reads it),
// listing each bad one in the problem's "errors"; an absent one passes.
// It makes the parameters part of the route's contract: the routes page,
// the OpenAPI document and contracttest.Compare list them. Put it on the
// routes, after their authorization checks, as ValidatePath:
//
//	limit := bind.ValidateQuery[int]("limit")
//	r.With(auth.RequireScopes("cloud:read"), limit).Get("/cloud", listClouds)
//
// The handler then reads them with QueryParam, which cannot fail. It
// panics when given no name.
func ValidateQuery[T ParamType](names ...string) func(http.Handler) http.Handler {
	return validateParams("bind.ValidateQuery", "query", names, queryParam[T])
}
