package contract_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/bind"
)

// A string check takes every value another type's check takes, so a
// parameter checked as a string and as an integer is an integer: allOf
// both would be a schema no value meets, though "5" passes.
func TestParamCheckedAsStringAndAnotherTypeHasTheOtherSchema(t *testing.T) {
	r := chi.NewRouter()
	r.With(bind.ValidatePath[string]("id"), bind.ValidatePath[int]("id"),
		bind.ValidateQuery[int]("limit"), bind.ValidateQuery[string]("limit")).Get("/cloud/{id}", ok)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/cloud/5?limit=5", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%d, want 200", rec.Code)
	}
	rt, _ := contract.Of(r).Route("GET", "/cloud/{id}")
	for _, p := range append(rt.Parameters, rt.Query...) {
		if s := string(p.Schema); s != `{"format":"int64","maximum":9223372036854775807,"minimum":-9223372036854775808,"type":"integer"}` {
			t.Errorf("%s: schema %s, want the integer's", p.Name, s)
		}
	}
}
