package contracttest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware/auth"
)

// A client that sends its credentials the way the document says must be
// read by the router: a document that puts a bearer route's token in an
// X-API-Key header promises a 401.
func TestCompareHoldsHowCredentialsAreSent(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	newRouter := func(opts ...auth.Option) chi.Router {
		r := chi.NewRouter()
		r.With(auth.Authenticate(append([]auth.Option{auth.Bearer(keys)}, opts...)...)).Get("/me", func(http.ResponseWriter, *http.Request) {})
		return r
	}
	doc := func(scheme string) string {
		return `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
		  "components": {"securitySchemes": {"s": ` + scheme + `}},
		  "paths": {"/me": {"get": {"security": [{"s": []}], "responses": {"2XX": {"description": "x"}, "4XX": {"description": "x"}, "5XX": {"description": "x"}}}}}}`
	}
	tests := []struct {
		name   string
		router chi.Router
		scheme string
		want   string // "" when they agree
	}{
		{"http bearer", newRouter(), `{"type": "http", "scheme": "Bearer"}`, ""},
		{"oauth2, whose tokens are bearer tokens", newRouter(), `{"type": "oauth2", "flows": {}}`, ""},
		{"an apiKey in the Authorization header", newRouter(), `{"type": "apiKey", "in": "header", "name": "Authorization"}`, ""},
		{"the query token the router reads", newRouter(auth.QueryToken()), `{"type": "apiKey", "in": "query", "name": "access_token"}`, ""},
		{"another header", newRouter(), `{"type": "apiKey", "in": "header", "name": "X-API-Key"}`,
			"GET /me: the document sends credentials in the header X-API-Key (security scheme s); the router reads only Authorization: bearer"},
		{"a query token the router does not read", newRouter(), `{"type": "apiKey", "in": "query", "name": "access_token"}`,
			"GET /me: the document sends credentials in the query parameter access_token (security scheme s); the router reads only Authorization: bearer"},
		{"another auth-scheme", newRouter(), `{"type": "http", "scheme": "basic"}`,
			"GET /me: the document sends credentials in Authorization: basic (security scheme s); the router reads only Authorization: bearer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeTB{}
			contracttest.Compare(f, tt.router, []byte(doc(tt.scheme)))
			switch {
			case tt.want == "" && len(f.errors) > 0:
				t.Errorf("Compare failed: %v", f.errors)
			case tt.want != "" && (len(f.errors) != 1 || !strings.Contains(f.errors[0], "\n  "+tt.want) || strings.Count(f.errors[0], "\n  ") != 1):
				t.Errorf("Compare reported %q, want a list of %q", f.errors, tt.want)
			}
		})
	}
}

// One security requirement that names several schemes asks for all their
// credentials at once. Authenticate reads one credential and answers a
// request with two a 400, so a document that sends two is wrong even when
// the router reads each of them alone.
func TestCompareFailsCredentialsSentTogether(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.With(auth.Authenticate(auth.Bearer(keys), auth.QueryToken())).Get("/me", func(http.ResponseWriter, *http.Request) {})
	doc := func(security string) string {
		return `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
		  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "oauth": {"type": "oauth2", "flows": {}},
		    "query": {"type": "apiKey", "in": "query", "name": "access_token"}}},
		  "paths": {"/me": {"get": {"security": ` + security + `, "responses": {"2XX": {"description": "x"}, "4XX": {"description": "x"}, "5XX": {"description": "x"}}}}}}`
	}
	for _, tt := range []struct {
		name, security, want string
	}{
		{"either one", `[{"bearer": []}, {"query": []}]`, ""},
		{"two schemes of one transport", `[{"bearer": [], "oauth": []}]`, ""},
		{"both at once", `[{"bearer": [], "query": []}]`,
			"GET /me: the document sends credentials in Authorization: bearer and the query parameter access_token together " +
				"(one security requirement of several schemes); the router reads one credential and answers a request with several 400"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeTB{}
			contracttest.Compare(f, r, []byte(doc(tt.security)))
			switch {
			case tt.want == "" && len(f.errors) > 0:
				t.Errorf("Compare failed: %v", f.errors)
			case tt.want != "" && (len(f.errors) != 1 || !strings.Contains(f.errors[0], "\n  "+tt.want) || strings.Count(f.errors[0], "\n  ") != 1):
				t.Errorf("Compare reported %q, want a list of %q", f.errors, tt.want)
			}
		})
	}
}

// A requirement that pairs a credential the router reads with one it does
// not (mutual TLS, an X-Key header) is reported for the one it does not
// read, and only that: Authenticate never sees the other, so the request
// gets no 400 for two credentials.
func TestCompareReportsNoCredentialsTogetherThatTheRouterDoesNotRead(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.With(auth.Authenticate(auth.Bearer(keys))).Get("/me", func(http.ResponseWriter, *http.Request) {})
	doc := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
	  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "mtls": {"type": "mutualTLS"},
	    "xkey": {"type": "apiKey", "in": "header", "name": "X-Key"}}},
	  "paths": {"/me": {"get": {"security": [{"bearer": [], "mtls": []}, {"bearer": [], "xkey": []}],
	    "responses": {"2XX": {"description": "x"}, "4XX": {"description": "x"}, "5XX": {"description": "x"}}}}}}`
	f := &fakeTB{}
	contracttest.Compare(f, r, []byte(doc))
	if len(f.errors) != 1 {
		t.Fatalf("Compare reported %q, want one list", f.errors)
	}
	for _, want := range []string{"in mutual TLS (security scheme mtls)", "in the header X-Key (security scheme xkey)"} {
		if !strings.Contains(f.errors[0], want) {
			t.Errorf("Compare did not report %q: %s", want, f.errors[0])
		}
	}
	if strings.Contains(f.errors[0], "together") || strings.Count(f.errors[0], "\n  ") != 2 {
		t.Errorf("Compare reported credentials the router does not read as sent together: %s", f.errors[0])
	}
}
