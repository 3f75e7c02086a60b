package bind

import (
	"net/http"
	"reflect"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

func describePath[T ParamType](names []string) func() describe.Middleware {
	return func() describe.Middleware {
		d := describe.Middleware{Name: "bind.ValidatePath", Responses: []describe.Response{
			{Status: http.StatusBadRequest, Type: problem.TypeBadRequest, Detail: "a path parameter is not a valid " + reflect.TypeFor[T]().String()},
		}}
		for _, n := range names {
			d.Params = append(d.Params, describe.Param{Name: n, In: "path", Type: reflect.TypeFor[T]()})
		}
		return d
	}
}
