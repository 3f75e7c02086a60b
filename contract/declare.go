package contract

import (
	"net/http"
	"slices"

	"github.com/chiguard/chiguard/internal/describe"
)

// Declare returns a middleware that declares answers of the handler after
// it, which no middleware can see: the 201 of a create, the 404 of a
// resource that does not exist, a 409. It changes nothing at run time; the
// route's contract, its OpenAPI operation and its docs list the answers.
// Put it last on the route, where the handler answers:
//
//	r.With(auth.RequireScopes("cloud:read"), contract.Declare(
//		contract.Response{Status: http.StatusOK, Description: "The cloud."},
//		contract.Response{Status: http.StatusNotFound, Description: "The cloud does not exist, or you may not see it."},
//	)).Get("/cloud/{id}", getCloud)
//
// A declaration is a promise no code keeps: contracttest.Observe fails a
// test that provokes an answer the contract lacks, which holds the router
// and its declarations to what the handlers do.
//
// In each Response, Status is required; Type is a problem type slug or URI
// ("" means the catalog's type for an error status), Description says
// when the answer is given, Headers are the headers that come with it,
// Schema is the JSON Schema of a body that is not a problem (see Schema),
// and MediaTypes are that body's media types, where they are not those
// Negotiate offers.
func Declare(answers ...Response) func(http.Handler) http.Handler {
	rs := slices.Clone(answers)
	for i := range rs {
		rs[i].Headers = slices.Clone(rs[i].Headers)
		rs[i].MediaTypes = slices.Clone(rs[i].MediaTypes)
		rs[i].Causes = nil
	}
	return func(next http.Handler) http.Handler {
		return &declaration{Handler: next, answers: rs}
	}
}

// declaration is the handler of Declare.
type declaration struct {
	http.Handler
	answers []Response
}

func (d *declaration) Describe() describe.Middleware {
	return describe.Middleware{Name: declaredBy, Declared: true}
}

// declaredBy is the name under which Declare's answers are listed.
const declaredBy = "contract.Declare"
