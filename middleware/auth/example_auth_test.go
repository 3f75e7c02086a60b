package auth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
)

// An API that takes HS256 user and app tokens and the API key of an app,
// with a route that needs a scope and one exclusive to users.
func ExampleAuthenticate() {
	secret := []byte("a secret of at least thirty-two bytes!")
	tokens, err := auth.NewJWT(auth.JWTConfig{
		Algorithms: []string{"HS256"},
		Key:        secret,
		Issuer:     "https://auth.example.com",
		Audience:   "api",
	})
	if err != nil {
		panic(err)
	}
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{
		Key: "demo-app-key", ClientID: "demo-app", Scopes: []string{"cloud:read"},
	})
	if err != nil {
		panic(err)
	}

	// Authenticate runs per group, after routing: an unknown path is a 404.
	r := chi.NewRouter()
	r.NotFound(middleware.NotFound)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(tokens), auth.APIKey(keys)))
		r.With(auth.RequireScopes("cloud:read")).Get("/cloud", func(w http.ResponseWriter, r *http.Request) {
			p, _ := auth.PrincipalFrom(r.Context())
			fmt.Fprintf(w, "hello %s", p.Key())
		})
		r.With(auth.RequireUser).Get("/user", func(w http.ResponseWriter, r *http.Request) {})
	})

	token, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": "alice", "scope": "cloud:read", "iss": "https://auth.example.com", "aud": "api",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix(),
	}).SignedString(secret)

	for _, req := range []struct{ path, auth string }{
		{"/cloud", ""},
		{"/cloud", "Bearer not-a-jwt"},
		{"/cloud", "Bearer " + token},
		{"/cloud", "ApiKey demo-app-key"},
		{"/user", "ApiKey demo-app-key"},
		{"/nowhere", ""},
	} {
		rec := httptest.NewRecorder()
		hr := httptest.NewRequest(http.MethodGet, req.path, nil)
		if req.auth != "" {
			hr.Header.Set("Authorization", req.auth)
		}
		r.ServeHTTP(rec, hr)
		fmt.Println(rec.Code, rec.Header().Values("WWW-Authenticate"))
		if rec.Code == 200 {
			fmt.Println(rec.Body)
		}
	}
	// Output:
	// 401 [Bearer realm="api" ApiKey realm="api"]
	// 401 [Bearer realm="api", error="invalid_token", error_description="The credentials are malformed" ApiKey realm="api"]
	// 200 []
	// hello user:alice
	// 200 []
	// hello app:demo-app
	// 403 []
	// 404 []
}

// A route whose refusals must not reveal that it exists: a caller without
// the scope gets the same 404 as for a path that does not exist.
func ExampleConceal() {
	keys, _ := auth.NewAPIKeys(auth.APIKeyApp{Key: "demo-app-key", ClientID: "demo-app", Scopes: []string{"cloud:read"}})
	// Conceal comes first, ahead of Authenticate, whose 401 would tell a
	// caller without credentials that the route exists.
	r := chi.NewRouter()
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.With(auth.Conceal, auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin")).
		Get("/admin", func(http.ResponseWriter, *http.Request) {})

	for _, req := range []struct{ path, auth string }{
		{"/admin", "ApiKey demo-app-key"},
		{"/admin", ""},
		{"/nowhere", ""},
	} {
		rec := httptest.NewRecorder()
		hr := httptest.NewRequest(http.MethodGet, req.path, nil)
		if req.auth != "" {
			hr.Header.Set("Authorization", req.auth)
		}
		r.ServeHTTP(rec, hr)
		fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate") == "", rec.Body)
	}
	// Output:
	// 404 true {"type":"/problems/not-found","title":"Not Found","status":404}
	// 404 true {"type":"/problems/not-found","title":"Not Found","status":404}
	// 404 true {"type":"/problems/not-found","title":"Not Found","status":404}
}

// Keycloak puts client_id in its service accounts' tokens, each with a sub
// of the account's own, where RFC 9068 servers (DefaultClassify's rule)
// put it in every token.
func ExampleKeycloakClassify() {
	_, err := auth.NewJWT(auth.JWTConfig{
		Algorithms: []string{"HS256"}, Key: []byte("a secret of at least thirty-two bytes!"),
		Classify: auth.KeycloakClassify,
	})
	fmt.Println(err)
	account := map[string]any{"sub": "0b6e4c1a", "client_id": "billing"}
	user := map[string]any{"sub": "alice", "azp": "web"}
	fmt.Println(auth.KeycloakClassify(account), auth.KeycloakClassify(user), auth.DefaultClassify(account))
	// Output:
	// <nil>
	// app user user
}
