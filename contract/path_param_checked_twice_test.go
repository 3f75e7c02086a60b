package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/bind"
)

// A path parameter two ValidatePath steps check must pass both; its schema
// says so, rather than taking the last step's type alone.
func TestPathParamCheckedTwiceHasBothSchemas(t *testing.T) {
	r := chi.NewRouter()
	r.Route("/cloud/{id}", func(r chi.Router) {
		r.Use(bind.ValidatePath[uint8]("id"))
		r.With(bind.ValidatePath[int64]("id")).Get("/", func(http.ResponseWriter, *http.Request) {})
	})
	for _, path := range []string{"/cloud/300/", "/cloud/-1/"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 400 {
			t.Fatalf("%s: %d, want 400", path, rec.Code)
		}
	}
	rt, ok := contract.Of(r).Route("GET", "/cloud/{id}")
	if !ok || len(rt.Parameters) != 1 {
		t.Fatalf("route %+v", rt)
	}
	var s struct {
		AllOf []struct {
			Minimum json.Number `json:"minimum"`
			Maximum json.Number `json:"maximum"`
		} `json:"allOf"`
	}
	if err := json.Unmarshal(rt.Parameters[0].Schema, &s); err != nil || len(s.AllOf) != 2 ||
		s.AllOf[0].Maximum != "255" || s.AllOf[1].Minimum != "-9223372036854775808" {
		t.Fatalf("schema %s", rt.Parameters[0].Schema)
	}
}
