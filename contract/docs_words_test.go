package contract_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/bind"
)

type secretInternalBody struct {
	Name string `json:"name"`
}

// The routes page is read by the API's clients: it says what a route
// takes in the words of its OpenAPI document (integer, 64 KiB),
// not the Go types the server decodes into, which are the server's own.
func TestRoutesPageNamesNoGoTypes(t *testing.T) {
	r := chi.NewRouter()
	r.With(bind.ValidatePath[int64]("cloudPk"), bind.Body[secretInternalBody](&bind.JSONDecoder{MaxBytes: 64 << 10})).
		Post("/cloud/{cloudPk}/export", func(http.ResponseWriter, *http.Request) {})
	r.Handle("/routes", contract.RoutesHandler(r))
	for _, accept := range []string{"text/html", "text/markdown"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/routes", nil)
		req.Header.Set("Accept", accept)
		r.ServeHTTP(rec, req)
		page := rec.Body.String()
		for _, internal := range []string{"secretInternalBody", "contract_test.", "int64", "65536"} {
			if strings.Contains(page, internal) {
				t.Errorf("%s: the routes page says %q", accept, internal)
			}
		}
		for _, want := range []string{"cloudPk (integer)", "application/json, at most 64 KiB."} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the routes page lacks %q:\n%s", accept, want, page)
			}
		}
	}
}

// An answer the API declares is listed in the API's words alone, not
// after the name of the Go function that declared it.
func TestRoutesPageListsDeclaredAnswersInTheAPIsWords(t *testing.T) {
	r := chi.NewRouter()
	r.With(contract.Declare(contract.Response{Status: http.StatusOK, Description: "The clouds the caller may see."})).
		Get("/cloud", func(http.ResponseWriter, *http.Request) {})
	r.Handle("/routes", contract.RoutesHandler(r))
	for _, accept := range []string{"text/html", "text/markdown"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/routes", nil)
		req.Header.Set("Accept", accept)
		r.ServeHTTP(rec, req)
		page := rec.Body.String()
		if !strings.Contains(page, "The clouds the caller may see.") || strings.Contains(page, "contract.Declare") {
			t.Errorf("%s: the declared 200 is not listed in the API's words alone:\n%s", accept, page)
		}
	}
}

// A declared answer without a Description is listed without a cause, not
// under the name of the Go function that declared it.
func TestRoutesPageListsAnUndescribedDeclaredAnswerWithoutAGoName(t *testing.T) {
	r := chi.NewRouter()
	r.With(contract.Declare(contract.Response{Status: http.StatusCreated}, contract.Response{Status: http.StatusConflict})).
		Post("/cloud", func(http.ResponseWriter, *http.Request) {})
	r.Handle("/routes", contract.RoutesHandler(r))
	for _, accept := range []string{"text/html", "text/markdown"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/routes", nil)
		req.Header.Set("Accept", accept)
		r.ServeHTTP(rec, req)
		if page := rec.Body.String(); strings.Contains(page, "contract.Declare") || !strings.Contains(page, "201") {
			t.Errorf("%s: the declared 201 and 409:\n%s", accept, page)
		}
	}
}
