// Command quickstart is the README's quick start, kept here so that it is
// compiled and tested: a test checks that the README shows this file.
package main

import (
	"cmp"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
)

func main() {
	addr := cmp.Or(os.Getenv("ADDR"), "127.0.0.1:8080")
	log.Printf("serving on http://%s (set ADDR to change)", addr)
	log.Fatal(http.ListenAndServe(addr, newRouter()))
}

func newRouter() http.Handler {
	// The API's problem types: chiguard's defaults, to reword, remove from
	// or add to; and one writer for every error the API sends.
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: catalog}

	jwt, err := auth.NewJWT(auth.JWTConfig{
		Algorithms: []string{"HS256"},
		Key:        []byte("a-secret-of-at-least-32-bytes-long!"),
		Issuer:     "https://auth.example.com/",
		Audience:   "api",
	})
	if err != nil {
		panic(err)
	}

	// The order is chiguard's recommended one; the package doc says why.
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, middleware.HeadAsGet)
	r.NotFound(middleware.NotFound)                 // 404
	r.MethodNotAllowed(middleware.MethodNotAllowed) // 405 with a correct Allow
	r.Handle("/problems", catalog.DocsHandler())    // the error-codes page
	r.Handle("/problems/*", catalog.DocsHandler())  // one page per type URI

	r.Group(func(r chi.Router) {
		r.Use(
			auth.Authenticate(auth.Bearer(jwt), // 401
				ratelimit.LimitFailures(20, time.Minute)), // 429 for a client guessing tokens
			ratelimit.Limit(600, time.Minute), // 429, per principal
		)
		r.With(
			auth.RequireScopes("cloud:read"),         // 403
			middleware.Negotiate("application/json"), // 406
			bind.ValidatePath[int64]("id"),           // 400
		).Get("/cloud/{id}", problem.HandlerFunc(getCloud))
	})
	return r
}

func getCloud(w http.ResponseWriter, r *http.Request) error {
	id, _ := bind.PathParam[int64](r, "id")
	if id != 1 {
		return problem.NotFound("The cloud does not exist or you cannot see it.")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"id":1}`))
	return nil
}
