package bind

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// describeParams describes ValidatePath (in "path") and ValidateQuery (in
// "query") of names as T.
func describeParams[T ParamType](name, in string, names []string) func() describe.Middleware {
	return func() describe.Middleware {
		d := describe.Middleware{Name: name, Responses: []describe.Response{
			{Status: http.StatusBadRequest, Type: problem.TypeBadRequest, Detail: "a " + in + " parameter is not " + paramNoun[T]()},
		}}
		for _, n := range names {
			d.Params = append(d.Params, describe.Param{Name: n, In: in, Type: reflect.TypeFor[T]()})
		}
		return d
	}
}

func (d *JSONDecoder) describe(t reflect.Type) describe.Middleware {
	limit := d.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	return describe.Middleware{Name: "bind.Body",
		Body: &describe.Body{Type: t, MediaTypes: []string{"application/json"}, MaxBytes: limit,
			AllowUnknownFields: d.AllowUnknownFields},
		Responses: []describe.Response{
			{Status: http.StatusBadRequest, Type: problem.TypeBadRequest, Detail: "the body is empty, not JSON, or has invalid fields"},
			{Status: http.StatusRequestEntityTooLarge, Type: problem.TypeContentTooLarge, Detail: "the body is over the limit"},
			{Status: http.StatusUnsupportedMediaType, Type: problem.TypeUnsupportedMediaType,
				Headers: []string{"Accept", "Accept-Encoding"}, Detail: "the body is not JSON, or has a Content-Encoding"},
		}}
}

// paramNoun names what a parameter of type T must be, in the words of its
// 400 and its schema rather than Go's: "an integer", "true or false".
func paramNoun[T ParamType]() string {
	t := reflect.TypeFor[T]()
	if t.Kind() == reflect.Bool {
		return "true or false"
	}
	return strings.TrimPrefix(kindDetail(t), "must be ")
}
