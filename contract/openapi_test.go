package contract_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/ratelimit"
)

// everything is a router with every kind of route the contract knows.
func everything(t *testing.T) chi.Router {
	jwt := jwtVerifier(t)
	m := &middleware.Maintenance{}
	pw := writer()
	r := newRoot(pw, m.Handler, middleware.HeadAsGet)
	r.Handle("/problems/*", pw.Catalog.DocsHandler())
	r.Handle("/files/*", http.HandlerFunc(ok))
	r.Method(http.MethodGet, "/openapi.json", contract.OpenAPIHandler(r, contract.Info{Title: "Everything", Version: "1"}))
	r.Method(http.MethodGet, "/routes", contract.RoutesHandler(r))
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(jwt), auth.APIKey(apiKeys(t)), auth.QueryToken(), auth.AllowAnonymous(),
			ratelimit.LimitFailures(20, time.Minute)), ratelimit.Limit(600, time.Minute, ratelimit.LegacyHeaders()))
		r.With(middleware.Negotiate("application/json")).Get("/public", ok)
		r.Route("/cloud/{cloudPk:[0-9]+}", func(r chi.Router) {
			r.With(auth.RequireScopes("cloud:read"), middleware.Negotiate("application/json", "text/csv"),
				bind.ValidatePath[int64]("cloudPk"), middleware.Conditional, contract.Declare(
					contract.Response{Status: 200, Description: "The cloud.", Schema: contract.Schema(reflect.TypeFor[newCloud](), true)},
					contract.Response{Status: 404, Description: "No such cloud."},
				)).Get("/", ok)
			r.With(auth.RequireAnyScope("cloud:manage", "admin"), auth.RequireUser, bind.Body[newCloud](nil),
				contract.Declare(contract.Response{Status: 204})).Put("/", ok)
		})
	})
	r.With(auth.Conceal, auth.Authenticate(auth.Bearer(jwt)), auth.RequireScopes("admin")).Delete("/admin", ok)
	return r
}

func loadOpenAPI(t *testing.T, doc []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData(doc)
	if err != nil {
		t.Fatalf("kin-openapi cannot load the document: %v", err)
	}
	if err := d.Validate(loader.Context); err != nil {
		t.Fatalf("kin-openapi finds the document invalid: %v", err)
	}
	return d
}

func TestOpenAPIIsValidAndComplete(t *testing.T) {
	r := everything(t)
	if err := contract.Check(r); err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "Everything", Version: "1", Description: "All of it."}))
	if err != nil {
		t.Fatal(err)
	}
	d := loadOpenAPI(t, doc)
	if !strings.HasPrefix(d.OpenAPI, "3.1") || d.Info.Title != "Everything" {
		t.Errorf("openapi %q, info %+v", d.OpenAPI, d.Info)
	}
	if d.Paths.Find("/admin") != nil {
		t.Error("a concealed route is in the document")
	}
	get := d.Paths.Find("/cloud/{cloudPk}").Get
	if get == nil {
		t.Fatalf("paths: %v", d.Paths.InMatchingOrder())
	}
	for _, code := range []string{"200", "304", "400", "401", "403", "404", "405", "406", "412", "429", "500", "503"} {
		if get.Responses.Value(code) == nil {
			t.Errorf("GET /cloud/{cloudPk} lacks %s", code)
		}
	}
	if p := get.Parameters.GetByInAndName("path", "cloudPk"); p == nil || p.Schema.Value.Type.Slice()[0] != "integer" {
		t.Errorf("cloudPk: %+v", p)
	}
	if got := get.Responses.Value("200").Value.Content; got.Get("text/csv") == nil || got.Get("application/json") == nil {
		t.Errorf("the 200 is in the offered media types: %v", got)
	}
	h := get.Responses.Value("429").Value.Headers
	for _, name := range []string{"Retry-After", "RateLimit", "RateLimit-Policy", "X-RateLimit-Limit", "X-Request-Id"} {
		if h[name] == nil {
			t.Errorf("429 lacks header %s", name)
		}
	}
	sec, _ := json.Marshal(get.Security)
	if string(sec) != `[{"Bearer":["cloud:read"]},{"BearerQuery":["cloud:read"]},{"ApiKey":["cloud:read"]}]` {
		t.Errorf("security %s", sec)
	}
	put := d.Paths.Find("/cloud/{cloudPk}").Put
	if put.RequestBody == nil || put.RequestBody.Value.Content.Get("application/json") == nil || put.Responses.Value("413") == nil {
		t.Fatalf("PUT: %+v", put)
	}
	// PUT is for users (RequireUser): an API key, always an app's, is no way in.
	if sec, _ := json.Marshal(put.Security); !strings.Contains(string(sec), `{"Bearer":["admin"]}`) || strings.Contains(string(sec), "ApiKey") {
		t.Errorf("PUT security %s", sec)
	}
	if pub := d.Paths.Find("/public").Get; len(*pub.Security) != 4 || len((*pub.Security)[3]) != 0 {
		t.Errorf("a public route's security ends with {}: %v", pub.Security)
	}
	if files := d.Paths.Find("/files/{path}"); files == nil || files.Post == nil || files.Trace == nil {
		t.Errorf("a route for every method has an operation per method: %+v", files)
	}
	if docs := d.Paths.Find("/problems/{path}"); docs == nil || docs.Get == nil || docs.Post != nil || docs.Head != nil ||
		docs.Get.Responses.Value("405") == nil || docs.Get.Responses.Value("404") == nil {
		t.Errorf("the catalog's docs are GET only, with their 404, 405 and 406: %+v", docs)
	}
	schemes := d.Components.SecuritySchemes
	if schemes["Bearer"].Value.BearerFormat != "JWT" || schemes["ApiKey"].Value.Scheme != "ApiKey" || schemes["BearerQuery"].Value.In != "query" {
		t.Errorf("security schemes %+v", schemes)
	}

	withHidden, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "Everything", Version: "1", Concealed: true}))
	if err != nil {
		t.Fatal(err)
	}
	if loadOpenAPI(t, withHidden).Paths.Find("/admin").Delete == nil {
		t.Error("Info.Concealed leaves the concealed route out")
	}
}

func TestOpenAPIHandlerAndRoutesHandlerServeTheWholeRouter(t *testing.T) {
	srv := httptest.NewServer(everything(t))
	defer srv.Close()
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := get("/openapi.json", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	d := loadOpenAPI(t, []byte(body))
	if d.Paths.Find("/openapi.json") == nil || d.Paths.Find("/routes") == nil {
		t.Error("the document lists neither itself nor the routes page")
	}
	resp, body = get("/routes", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "<code>GET /cloud/{cloudPk:[0-9]&#43;}</code>") ||
		!strings.Contains(body, `<a class="type-uri" href="https://api.example.com/problems/precondition-failed">`) ||
		strings.Contains(body, "/admin") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	resp, body = get("/routes", "text/markdown")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(body, "## PUT /cloud/{cloudPk:[0-9]+}") ||
		!strings.Contains(body, "| 412 | `https://api.example.com/problems/precondition-failed` | Precondition Failed | middleware.Conditional:") {
		t.Errorf("markdown:\n%s", body)
	}
	if resp, _ = get("/routes", "image/png"); resp.StatusCode != 406 {
		t.Errorf("an unacceptable page: %d", resp.StatusCode)
	}
}

// Routes the contract must keep apart: "/x" and "/x/" are two routes; a
// catch-all next to a parameter named path gets another name; patterns that
// differ only by regexps are one OpenAPI path, which Check reports.
func TestOpenAPIKeepsRoutesApart(t *testing.T) {
	pw := writer()
	r := newRoot(pw)
	r.Get("/items/", ok)
	r.Get("/x", ok)
	r.With(auth.RequireScopes("admin")).Get("/x/", ok) // no Authenticate: Check must see it
	r.Get("/files/{path}/*", ok)
	c := contract.Of(r)
	for _, p := range []string{"/items/", "/x", "/x/", "/files/{path}/*"} {
		route(t, c, "GET", p)
	}
	if _, ok := c.Route("GET", "/items"); ok {
		t.Error("the contract lists GET /items, which the router does not serve")
	}
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "GET /x/") {
		t.Errorf("Check: %v; want the misplaced RequireScopes of GET /x/", err)
	}
	doc, err := json.Marshal(c.OpenAPI(contract.Info{Title: "Apart", Version: "1"}))
	if err != nil {
		t.Fatal(err)
	}
	d := loadOpenAPI(t, doc)
	for _, p := range []string{"/items/", "/x", "/x/", "/files/{path}/{path_}"} {
		if d.Paths.Find(p) == nil {
			t.Errorf("no path %s in %v", p, d.Paths.InMatchingOrder())
		}
	}
	if d.Paths.Find("/items") != nil {
		t.Error("the document lists /items")
	}

	r2 := newRoot(pw)
	r2.Get("/item/{id:[0-9]+}", ok)
	r2.Get("/item/{id:[a-z]+}", ok)
	err = contract.Check(r2)
	if err == nil || !strings.Contains(err.Error(), "spells as the same path as /item/{id:[0-9]+}") {
		t.Errorf("Check: %v; want the two /item/{id} patterns", err)
	}
	doc, _ = json.Marshal(contract.Of(r2).OpenAPI(contract.Info{Title: "Regexps", Version: "1"}))
	loadOpenAPI(t, doc)
}
