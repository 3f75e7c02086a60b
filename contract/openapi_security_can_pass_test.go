package contract_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware/auth"
)

// Each security requirement of an operation is a way in: credentials of
// its scheme with its scopes get the route's success. An API key, which
// authenticates an app, is none on a route for users.
func TestOpenAPISecurityListsOnlyCredentialsThatGetIn(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app", Scopes: []string{"profile:read"}})
	if err != nil {
		t.Fatal(err)
	}
	r := newRoot(writer())
	r.With(auth.Authenticate(auth.Bearer(jwtVerifier(t)), auth.APIKey(keys)), auth.RequireUser, auth.RequireScopes("profile:read"),
		contract.Declare(contract.Response{Status: http.StatusNoContent})).Get("/me", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "alice", "scope": "profile:read",
		"exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte("a-secret-of-at-least-32-bytes-long!"))
	if err != nil {
		t.Fatal(err)
	}
	credentials := map[string]string{"Bearer": "Bearer " + token, "ApiKey": "ApiKey k"} // each with profile:read
	doc, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "Security", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	op := loadOpenAPI(t, doc).Paths.Find("/me").Get
	if op.Security == nil || len(*op.Security) == 0 {
		t.Fatal("GET /me has no security requirement")
	}
	for _, req := range *op.Security {
		for scheme := range req {
			w := httptest.NewRecorder()
			get := httptest.NewRequest(http.MethodGet, "/me", nil)
			get.Header.Set("Authorization", credentials[scheme])
			r.ServeHTTP(w, get)
			if w.Code != http.StatusNoContent {
				t.Errorf("the document lets %s in, which gets %d:\n%s", scheme, w.Code, w.Body)
			}
		}
	}
}
