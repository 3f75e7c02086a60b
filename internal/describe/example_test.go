package describe_test

import (
	"fmt"
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
)

// A middleware returns a described handler; whoever applies it to a probe
// reads what it enforces.
func ExampleWrap() {
	deny := func(next http.Handler) http.Handler {
		return describe.Wrap(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
		}, func() describe.Middleware {
			return describe.Middleware{Name: "example.Deny", Responses: []describe.Response{{Status: http.StatusForbidden}}}
		})
	}
	h := deny(http.NotFoundHandler())
	if d, ok := h.(describe.Describer); ok {
		fmt.Println(d.Describe().Name, d.Describe().Responses[0].Status)
	}
	// Output: example.Deny 403
}
