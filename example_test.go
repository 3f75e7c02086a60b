package chiguard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

// A chi router composed in the recommended order answers every refusal
// with the status its documentation promises, as an RFC 9457 problem.
func Example() {
	secret := []byte("example-secret-of-at-least-32-bytes")
	verifier, err := auth.NewJWT(auth.JWTConfig{Algorithms: []string{"HS256"}, Key: secret})
	if err != nil {
		panic(err)
	}
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: catalog}

	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, middleware.HeadAsGet)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(verifier), ratelimit.LimitFailures(20, time.Minute)),
			ratelimit.Limit(3, time.Minute)) // counts the 403 and 406 below too
		r.With(auth.RequireScopes("cloud:read"), middleware.Negotiate("application/json")).
			Get("/cloud", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `[]`)
			})
	})

	token := func(scope string) string {
		s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"sub": "alice", "scope": scope, "exp": time.Now().Add(time.Hour).Unix(),
		}).SignedString(secret)
		return "Bearer " + s
	}
	for _, req := range []struct{ method, path, auth, accept string }{
		{"GET", "/cloud", "", ""},
		{"GET", "/cloud", token("user:read"), ""},
		{"GET", "/cloud", token("cloud:read"), "text/html"},
		{"GET", "/cloud", token("cloud:read"), ""},
		{"GET", "/cloud", token("cloud:read"), ""},
		{"POST", "/cloud", token("cloud:read"), ""},
		{"GET", "/nowhere", "", ""},
	} {
		rq := httptest.NewRequest(req.method, req.path, nil)
		if req.auth != "" {
			rq.Header.Set("Authorization", req.auth)
		}
		if req.accept != "" {
			rq.Header.Set("Accept", req.accept)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, rq)
		fmt.Println(req.method, req.path, w.Code, w.Header().Get("Content-Type"))
	}
	// Output:
	// GET /cloud 401 application/problem+json
	// GET /cloud 403 application/problem+json
	// GET /cloud 406 application/problem+json
	// GET /cloud 200 application/json
	// GET /cloud 429 application/problem+json
	// POST /cloud 405 application/problem+json
	// GET /nowhere 404 application/problem+json
}
