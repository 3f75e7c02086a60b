package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/contract"
)

// The docs handlers' pages, the OpenAPI document itself and a handler's
// answer declared in a media type of its own are documented in the media
// types they are written in.
func TestOpenAPISuccessesListTheMediaTypesTheyAreWrittenIn(t *testing.T) {
	pw := writer()
	r := newRoot(pw)
	r.Handle("/problems", pw.Catalog.DocsHandler())
	r.Handle("/problems/*", pw.Catalog.DocsHandler())
	r.Method(http.MethodGet, "/routes", contract.RoutesHandler(r))
	r.Method(http.MethodGet, "/openapi.json", contract.OpenAPIHandler(r, contract.Info{Title: "Media", Version: "1"}))
	r.With(contract.Declare(contract.Response{Status: http.StatusOK, Description: "The clouds, as CSV.", MediaTypes: []string{"text/csv"}})).
		Get("/clouds.csv", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			w.Write([]byte("id,name\n1,a\n"))
		})
	for _, tc := range []struct{ path, accept string }{
		{"/problems", "text/html"}, {"/problems", "text/markdown"}, {"/problems", "application/json"},
		{"/problems/not-found", "text/html"}, {"/problems/not-found", "application/json"},
		{"/routes", "text/html"}, {"/routes", "text/markdown"},
		{"/openapi.json", ""},
		{"/clouds.csv", ""},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		holdAnswer(t, r, req)
	}
}
