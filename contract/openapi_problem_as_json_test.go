package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// A client whose Accept names application/json and not
// application/problem+json gets its problems as application/json, which
// the document lists beside application/problem+json: for the catalog's
// types and for a type it lacks.
func TestOpenAPIProblemsAreDocumentedAsJSONToo(t *testing.T) {
	r := newRoot(writer())
	r.With(middleware.Negotiate("text/csv"), contract.Declare(
		contract.Response{Status: http.StatusNotFound},
		contract.Response{Status: http.StatusConflict, Type: "https://errors.example.com/cloud-busy", Title: "Cloud busy"},
	)).Get("/clouds/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/clouds/busy" {
			problem.Write(w, r, &problem.Problem{Type: "https://errors.example.com/cloud-busy", Title: "Cloud busy", Status: http.StatusConflict})
			return
		}
		problem.Write(w, r, problem.NotFound("No such cloud."))
	})
	for _, tc := range []struct{ path, accept string }{
		{"/clouds/1", "application/json"}, // Negotiate's 406
		{"/clouds/1", "text/csv, application/json;q=0.5"},
		{"/clouds/busy", "text/csv, application/json;q=0.5"},
		{"/clouds/1", "text/csv, application/problem+json;q=0.5"},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		req.Header.Set("Accept", tc.accept)
		holdAnswer(t, r, req)
	}
}
