package contract_test

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
)

// The contract of a route lists what it needs and every answer its
// middlewares can give, with the problem type of each.
func ExampleOf() {
	keys, _ := auth.NewAPIKeys(auth.APIKeyApp{Key: "demo-app-key", ClientID: "demo-app", Scopes: []string{"cloud:read"}})
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: catalog}

	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.With(auth.Authenticate(auth.APIKey(keys)), ratelimit.Limit(100, time.Minute), auth.RequireScopes("cloud:read"),
		middleware.Negotiate("application/json"), bind.ValidatePath[int64]("id")).
		Get("/cloud/{id}", func(w http.ResponseWriter, r *http.Request) {})

	rt, _ := contract.Of(r).Route("GET", "/cloud/{id}")
	fmt.Println(rt.Method, rt.Pattern, rt.Security[0].Scheme, rt.Security[0].Scopes, rt.Parameters[0].Type)
	for _, a := range rt.Responses {
		fmt.Println(a.Status, strings.TrimPrefix(a.Type, "https://api.example.com/problems/"))
	}
	// Output:
	// GET /cloud/{id} ApiKey [cloud:read] int64
	// 400 bad-request
	// 401 unauthorized
	// 403 forbidden
	// 405 method-not-allowed
	// 406 not-acceptable
	// 429 https://iana.org/assignments/http-problem-types#quota-exceeded
	// 500 internal-server-error
}

// Check names each route whose middlewares cannot work where they are,
// and the fix.
func ExampleCheck() {
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.With(auth.RequireScopes("admin")).Put("/admin/maintenance", func(w http.ResponseWriter, r *http.Request) {})
	fmt.Println(contract.Check(r))
	// Output:
	// PUT /admin/maintenance: auth.RequireScopes runs with no auth.Authenticate before it, so it answers every request with a 500; fix: add auth.Authenticate to the route or its group, ahead of auth.RequireScopes
}

// Declare lists what a handler answers, which no middleware can see.
func ExampleDeclare() {
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.With(contract.Declare(
		contract.Response{Status: http.StatusOK, Description: "The cloud."},
		contract.Response{Status: http.StatusNotFound, Description: "The cloud does not exist."},
	)).Get("/cloud/{id}", func(w http.ResponseWriter, r *http.Request) {})
	rt, _ := contract.Of(r).Route("GET", "/cloud/{id}")
	for _, a := range rt.Responses {
		fmt.Println(a.Status, a.Type, a.Title)
	}
	// Output:
	// 200  OK
	// 404 /problems/not-found Not Found
	// 405  Method Not Allowed
	// 500 /problems/internal-server-error Internal Server Error
}
