package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/problem"
)

// A writer with XML sends a problem as application/problem+xml or
// application/xml to a client that prefers them, and the document lists
// them; a writer without XML lists neither.
func TestOpenAPIProblemsOfAnXMLWriterAreDocumentedAsXML(t *testing.T) {
	pw := writer()
	pw.XML = true
	r := newRoot(pw)
	r.With(contract.Declare(contract.Response{Status: http.StatusNotFound})).Get("/clouds/{id}", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, problem.NotFound("No such cloud."))
	})
	for _, tc := range []struct{ method, accept string }{
		{http.MethodGet, "application/problem+xml"},
		{http.MethodGet, "application/xml"},
		{http.MethodGet, "application/json"},
	} {
		req := httptest.NewRequest(tc.method, "/clouds/1", nil)
		req.Header.Set("Accept", tc.accept)
		holdAnswer(t, r, req)
	}

	plain := newRoot(writer())
	plain.Get("/clouds/{id}", ok)
	raw, err := json.Marshal(contract.Of(plain).OpenAPI(contract.Info{Title: "JSON", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	d := loadOpenAPI(t, raw)
	if c := d.Paths.Find("/clouds/{id}").Get.Responses.Status(http.StatusMethodNotAllowed).Value.Content; c.Get("application/problem+xml") != nil || c.Get("application/xml") != nil {
		t.Errorf("a writer without XML: the 405 lists XML content")
	}
}
