package contract_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// While maintenance is on, every unknown path answers 503. A concealed
// route that Maintenance exempts by its very path answers 404 then, and
// so shows it exists; exempted by a prefix, the unknown paths below the
// prefix answer 404 as well, and it stays hidden among them.
func TestCheckFindsAConcealedRouteExemptByItsPath(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "ops", Scopes: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	build := func(exempt ...string) chi.Router {
		m := &middleware.Maintenance{Exempt: exempt}
		r := chi.NewRouter()
		r.Use((&problem.Writer{}).Handler, middleware.Recoverer, m.Handler)
		r.NotFound(middleware.NotFound)
		r.MethodNotAllowed(middleware.MethodNotAllowed)
		r.With(auth.Conceal, auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin")).
			Put("/admin/maintenance", func(http.ResponseWriter, *http.Request) {})
		return r
	}
	err = contract.Check(build("/healthz", "/admin/maintenance"))
	if err == nil || !strings.Contains(err.Error(), "PUT /admin/maintenance: ") || !strings.Contains(err.Error(), "exempts the concealed route by its path") {
		t.Errorf("Check: %v, want the concealed route exempt by its path", err)
	}
	if err := contract.Check(build("/healthz", "/admin/*")); err != nil {
		t.Errorf("a prefix exempts the unknown paths around the route too: %v", err)
	}
	if err := contract.Check(build("/healthz")); err != nil {
		t.Errorf("a concealed route that is not exempt: %v", err)
	}
}
