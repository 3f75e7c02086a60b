package bind

import (
	"net/http"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A parameter named twice, as when a route repeats a group's check, is
// one bad parameter: its refusal lists it once.
func TestValidateParamNamedTwiceIsReportedOnce(t *testing.T) {
	r := chi.NewRouter()
	r.With(ValidatePath[int]("id", "id")).Get("/path/{id}", func(http.ResponseWriter, *http.Request) {})
	r.With(ValidateQuery[int]("limit", "limit")).Get("/query", func(http.ResponseWriter, *http.Request) {})
	for _, target := range []string{"/path/x", "/query?limit=x"} {
		p := testkit.Problem(t, testkit.Serve(r, testkit.Request("GET", target, "")), http.StatusBadRequest)
		if errs, _ := p["errors"].([]any); len(errs) != 1 {
			t.Errorf("%s: %v, want the parameter once", target, p)
		}
	}
}
