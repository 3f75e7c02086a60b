package contract_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
)

// holdAnswer serves req with r and fails t unless kin-openapi finds the
// answer to be one r's OpenAPI document describes: its status, headers,
// media type and body; a body where the document lists no content fails
// too (kin-openapi lets it pass).
func holdAnswer(t *testing.T, r chi.Router, req *http.Request) {
	t.Helper()
	doc, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "Answers", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	d := loadOpenAPI(t, doc)
	router, err := legacy.NewRouter(d)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	server, err := url.Parse(d.Servers[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	find := req.Clone(context.Background())
	find.URL.Scheme, find.URL.Host = server.Scheme, server.Host
	route, params, err := router.FindRoute(find)
	if err != nil {
		t.Fatalf("%s %s: the document has no operation for it: %v", req.Method, req.URL, err)
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: find, PathParams: params, Route: route},
		Status:                 w.Code,
		Header:                 w.Header(),
		Body:                   io.NopCloser(bytes.NewReader(w.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		t.Errorf("%s %s answered %d, which its OpenAPI document does not describe: %v\n%s", req.Method, req.URL, w.Code, err, w.Body)
	}
	if doc := route.Operation.Responses.Status(w.Code); doc != nil && w.Body.Len() > 0 && len(doc.Value.Content) == 0 {
		t.Errorf("%s %s answered %d with a body of %s, where its OpenAPI document lists none", req.Method, req.URL, w.Code, w.Header().Get("Content-Type"))
	}
}
