package api_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/chiguard/chiguard/examples/server/api"
)

// The demo API answers with the documented status codes.
func Example() {
	cfg := api.DefaultConfig()
	a, err := api.New(cfg)
	if err != nil {
		panic(err)
	}
	defer a.Close()
	token, _ := api.Mint(cfg.JWTSecret, cfg.Issuer, cfg.Audience, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}})

	for _, target := range []string{"/cloud/1", "/cloud/2", "/cloud/[object%20Object]/project", "/user"} {
		r := httptest.NewRequest("GET", target, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		a.ServeHTTP(w, r)
		fmt.Println(target, w.Code, w.Header().Get("Content-Type"))
	}
	// Output:
	// /cloud/1 200 application/json
	// /cloud/2 404 application/problem+json
	// /cloud/[object%20Object]/project 400 application/problem+json
	// /user 403 application/problem+json
}
