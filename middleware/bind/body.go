package bind

import (
	"context"
	"net/http"
	"reflect"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

type bodyKey[T any] struct{}

// Body returns a middleware that decodes the request body into a new T
// with d's settings (nil means the zero JSONDecoder's), and hands it to
// the handler, which reads it with BodyFrom. A body that does not decode
// or validate is refused as Decode refuses it (400, 413, 415), and the
// handler does not run.
//
// It does what DecodeJSON does in a handler, but where the route is
// declared, so package contract sees it: the route's contract and OpenAPI
// operation then document the body, its JSON schema derived from T.
//
//	r.With(auth.RequireScopes("cloud:manage"), bind.Body[NewCloud](nil)).Post("/cloud", createCloud)
//
// d is copied: changing it later changes nothing.
func Body[T any](d *JSONDecoder) func(http.Handler) http.Handler {
	var dec JSONDecoder
	if d != nil {
		dec = *d
	}
	describeBody := func() describe.Middleware { return dec.describe(reflect.TypeFor[T]()) }
	return func(next http.Handler) http.Handler {
		return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := new(T)
			if err := dec.Decode(w, r, v); err != nil {
				problem.Write(w, r, problem.FromError(err))
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyKey[T]{}, v)))
		}), describeBody)
	}
}

// BodyFrom returns the body that Body[T] decoded for the request of ctx,
// and false outside Body[T].
func BodyFrom[T any](ctx context.Context) (T, bool) {
	v, ok := ctx.Value(bodyKey[T]{}).(*T)
	if !ok {
		var zero T
		return zero, false
	}
	return *v, true
}
