package bind

import (
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

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
// The handler then reads them with QueryParam, which cannot fail.
func ValidateQuery[T ParamType](names ...string) func(http.Handler) http.Handler {
	names = distinct(names)
	return func(next http.Handler) http.Handler {
		return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var errs []problem.FieldError
			var bad, raws []string
			for _, name := range names {
				raw, fe, ok := queryValue(r.URL.RawQuery, name)
				if !ok {
					continue
				}
				if fe == nil {
					var v T
					fe = parseParam(raw, &v)
				}
				if fe != nil {
					fe.Parameter = name
					errs, bad, raws = append(errs, *fe), append(bad, name), append(raws, raw)
				}
			}
			if len(errs) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			problem.Write(w, r, paramsProblem("query", errs, bad, raws))
		}), describeParams[T]("bind.ValidateQuery", "query", names))
	}
}
