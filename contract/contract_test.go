package contract_test

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
)

const base = "https://api.example.com/problems/"

func jwtVerifier(t testing.TB) *auth.JWT {
	t.Helper()
	v, err := auth.NewJWT(auth.JWTConfig{Algorithms: []string{"HS256"}, Key: []byte("a-secret-of-at-least-32-bytes-long!")})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func apiKeys(t testing.TB) *auth.APIKeys {
	t.Helper()
	k, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func writer() *problem.Writer {
	c := problem.NewCatalog(base)
	c.MustRegister(problem.DefaultTypes()...)
	return &problem.Writer{Catalog: c}
}

// newRoot is a router in the recommended order, before its routes.
func newRoot(pw *problem.Writer, mws ...func(http.Handler) http.Handler) *chi.Mux {
	r := chi.NewRouter()
	r.Use(append([]func(http.Handler) http.Handler{pw.Handler, middleware.Recoverer, middleware.RequestID}, mws...)...)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	return r
}

type newCloud struct {
	Name string `json:"name" validate:"required,max=64"`
}

func ok(w http.ResponseWriter, r *http.Request) {}

func route(t *testing.T, c *contract.Contract, method, pattern string) contract.Route {
	t.Helper()
	r, found := c.Route(method, pattern)
	if !found {
		var have []string
		for _, r := range c.Routes {
			have = append(have, r.Method+" "+r.Pattern)
		}
		t.Fatalf("no route %s %s in %v", method, pattern, have)
	}
	return r
}

// answer is a status, a type and the headers a response must carry.
type answer struct {
	status  int
	typ     string
	headers []string
}

func wantAnswers(t *testing.T, r contract.Route, want []answer) {
	t.Helper()
	if len(r.Responses) != len(want) {
		t.Errorf("%s %s: %d responses, want %d: %+v", r.Method, r.Pattern, len(r.Responses), len(want), r.Responses)
	}
	for _, w := range want {
		i := slices.IndexFunc(r.Responses, func(a contract.Response) bool { return a.Status == w.status && a.Type == w.typ })
		if i < 0 {
			t.Errorf("%s %s: no %d %s among %+v", r.Method, r.Pattern, w.status, w.typ, r.Responses)
			continue
		}
		for _, h := range w.headers {
			if !slices.Contains(r.Responses[i].Headers, h) {
				t.Errorf("%s %s: %d lacks header %s: %v", r.Method, r.Pattern, w.status, h, r.Responses[i].Headers)
			}
		}
	}
}

func TestOfDescribesTheRecommendedStack(t *testing.T) {
	pw := writer()
	m := &middleware.Maintenance{Status: http.StatusBadGateway, Exempt: []string{"/healthz"}}
	r := newRoot(pw, m.Handler, middleware.HeadAsGet)
	r.Get("/healthz", ok)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(jwtVerifier(t)), auth.APIKey(apiKeys(t)), auth.Realm("demo"),
			ratelimit.LimitFailures(20, time.Minute)), ratelimit.Limit(600, time.Minute))
		r.With(auth.RequireScopes("cloud:read"), middleware.Negotiate("application/json"),
			bind.ValidatePath[int64]("id"), middleware.Conditional).Get("/cloud/{id}", ok)
		r.With(auth.RequireScopes("cloud:manage"), auth.RequireUser, middleware.Negotiate("application/json"),
			bind.Body[newCloud](&bind.JSONDecoder{MaxBytes: 4096})).Post("/cloud", ok)
	})
	c := contract.Of(r)
	if err := c.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}

	get := route(t, c, "GET", "/cloud/{id}")
	p := base
	wantAnswers(t, get, []answer{
		{304, "", []string{"ETag", "X-Request-Id", "RateLimit", "Vary"}},
		{400, p + "bad-request", []string{"WWW-Authenticate"}},
		{401, p + "unauthorized", []string{"WWW-Authenticate", "RateLimit", "RateLimit-Policy"}},
		{403, p + "forbidden", []string{"WWW-Authenticate", "RateLimit"}},
		{405, p + "method-not-allowed", []string{"Allow", "X-Request-Id"}},
		{406, p + "not-acceptable", []string{"Vary"}},
		{412, p + "precondition-failed", nil},
		{429, problem.QuotaExceededURI, []string{"Retry-After", "RateLimit", "RateLimit-Policy"}},
		{500, p + "internal-server-error", nil},
		{502, p + "bad-gateway", []string{"Retry-After"}},
	})
	if i := slices.IndexFunc(get.Responses, func(a contract.Response) bool { return a.Status == 405 }); slices.Contains(get.Responses[i].Headers, "RateLimit") {
		t.Errorf("the router's 405 comes before the group's limiter: %v", get.Responses[i].Headers)
	}
	wantSecurity := []contract.Requirement{{Scheme: "Bearer", Scopes: []string{"cloud:read"}, Format: "JWT", Realm: "demo"},
		{Scheme: "ApiKey", Scopes: []string{"cloud:read"}, Realm: "demo"}}
	if !slices.EqualFunc(get.Security, wantSecurity, equalRequirement) || get.Anonymous {
		t.Errorf("security %+v, anonymous %v", get.Security, get.Anonymous)
	}
	if !slices.Equal(get.Produces, []string{"application/json"}) {
		t.Errorf("produces %v", get.Produces)
	}
	if len(get.Parameters) != 1 || get.Parameters[0].Name != "id" || get.Parameters[0].Type.String() != "int64" ||
		string(get.Parameters[0].Schema) != `{"format":"int64","maximum":9223372036854775807,"minimum":-9223372036854775808,"type":"integer"}` {
		t.Errorf("parameters %+v", get.Parameters)
	}
	var policies []string
	for _, l := range get.Limits {
		policies = append(policies, l.Policy+"/"+strings.Join(l.Key, "+"))
	}
	if !slices.Equal(policies, []string{"auth-failures/ip", "600-per-1m/principal-or-ip"}) {
		t.Errorf("limits %v", policies)
	}

	post := route(t, c, "POST", "/cloud")
	if post.Kind != "user" || post.Body == nil || post.Body.MaxBytes != 4096 || post.Body.Type.Name() != "newCloud" {
		t.Fatalf("kind %q, body %+v", post.Kind, post.Body)
	}
	if !post.Answers(413, p+"content-too-large") || !post.Answers(415, p+"unsupported-media-type") || post.Answers(304, "") {
		t.Errorf("POST answers %+v", post.Responses)
	}

	health := route(t, c, "GET", "/healthz")
	if health.Answers(502, "") || !health.Anonymous || len(health.Security) != 0 {
		t.Errorf("exempt /healthz: %+v", health)
	}
	if !slices.ContainsFunc(c.Unrouted, func(a contract.Response) bool { return a.Status == 404 && a.Type == p+"not-found" }) {
		t.Errorf("unrouted %+v", c.Unrouted)
	}
}

func equalRequirement(a, b contract.Requirement) bool {
	return a.Scheme == b.Scheme && slices.Equal(a.Scopes, b.Scopes) && a.Query == b.Query && a.Format == b.Format && a.Realm == b.Realm
}

func TestOfScopesAndAnonymousCallers(t *testing.T) {
	r := newRoot(writer())
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(jwtVerifier(t)), auth.AllowAnonymous(), auth.QueryToken()))
		r.Get("/public", ok)
		r.With(auth.RequireScopes("a"), auth.RequireAnyScope("b", "c")).Get("/both", ok)
		r.With(auth.RequireApp).Get("/apps", ok)
	})
	c := contract.Of(r)
	public := route(t, c, "GET", "/public")
	if !public.Anonymous || public.Answers(403, "") {
		t.Errorf("public: %+v", public)
	}
	both := route(t, c, "GET", "/both")
	var ways []string
	for _, s := range both.Security {
		ways = append(ways, s.Scheme+s.Query+"["+strings.Join(s.Scopes, " ")+"]")
	}
	if want := []string{"Bearer[a b]", "Beareraccess_token[a b]", "Bearer[a c]", "Beareraccess_token[a c]"}; !slices.Equal(ways, want) {
		t.Errorf("security %v, want %v", ways, want)
	}
	if both.Anonymous || !both.Answers(401, base+"unauthorized") {
		t.Errorf("an anonymous caller gets the 401 of Authenticate: %+v", both.Responses)
	}
	if apps := route(t, c, "GET", "/apps"); apps.Kind != "app" || !apps.Answers(403, base+"forbidden") {
		t.Errorf("apps: %+v", apps)
	}
}

func TestOfReportsForeignMiddlewareAsOpaque(t *testing.T) {
	r := newRoot(writer(), chimw.NoCache)
	r.With(chimw.Timeout(time.Second)).Get("/x", ok)
	x := route(t, contract.Of(r), "GET", "/x")
	var opaque []string
	for _, m := range x.Middlewares {
		if m.Opaque {
			opaque = append(opaque, m.Name)
		}
	}
	if len(opaque) != 2 || opaque[0] != "github.com/go-chi/chi/v5/middleware.NoCache" ||
		!strings.Contains(opaque[1], "Timeout") {
		t.Errorf("opaque %v", opaque)
	}
	for _, a := range x.Responses {
		if a.Status == http.StatusGatewayTimeout || a.Status == http.StatusServiceUnavailable {
			t.Errorf("the contract guessed %d from a foreign middleware", a.Status)
		}
	}
}

func TestOfConcealedRoutes(t *testing.T) {
	r := newRoot(writer())
	r.Get("/admin", ok)
	r.With(auth.Conceal, auth.Authenticate(auth.Bearer(jwtVerifier(t))), auth.RequireScopes("admin"),
		middleware.Negotiate("application/json")).Put("/admin", ok)
	c := contract.Of(r)
	put := route(t, c, "PUT", "/admin")
	if !put.Concealed || put.Answers(401, "") || put.Answers(403, "") || put.Answers(405, "") ||
		!put.Answers(404, base+"not-found") || !put.Answers(406, "") {
		t.Errorf("concealed PUT: %+v", put.Responses)
	}
	i := slices.IndexFunc(put.Responses, func(a contract.Response) bool { return a.Status == 404 })
	j := slices.IndexFunc(c.Unrouted, func(a contract.Response) bool { return a.Status == 404 })
	if got, want := put.Responses[i].Headers, c.Unrouted[j].Headers; !slices.Equal(got, want) || !slices.Contains(got, "X-Request-Id") {
		t.Errorf("the concealed 404 carries %v, an unknown path's %v", got, want)
	}
	if get := route(t, c, "GET", "/admin"); !get.Answers(405, base+"method-not-allowed") {
		t.Errorf("GET /admin: the path's 405 is the open route's: %+v", get.Responses)
	}
}

// Conceal applied to the handler itself, r.Method("PUT", p,
// auth.Conceal(h)), conceals the route as it does in r.With: the route
// was in the public OpenAPI document, and its path's other methods got a
// 405.
func TestOfARouteWhoseHandlerConcealIs(t *testing.T) {
	r := newRoot(writer())
	r.Method(http.MethodPut, "/flags", auth.Conceal(auth.Authenticate(auth.Bearer(jwtVerifier(t)))(http.HandlerFunc(ok))))
	c := contract.Of(r)
	put := route(t, c, "PUT", "/flags")
	if !put.Concealed || !put.Answers(404, base+"not-found") || put.Answers(405, "") {
		t.Errorf("PUT /flags: concealed %v, %+v", put.Concealed, put.Responses)
	}
	doc, err := json.Marshal(c.OpenAPI(contract.Info{}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(doc), "/flags") {
		t.Errorf("the public document lists the concealed route: %s", doc)
	}
	if err := c.Check(); err != nil {
		t.Error(err)
	}
}

func TestOfRoutesForEveryMethodAndSubrouters(t *testing.T) {
	pw := writer()
	r := newRoot(pw)
	r.Handle("/files/*", http.HandlerFunc(ok))
	r.Handle("/routes", contract.RoutesHandler(r))
	r.Route("/cloud/{cloudPk:[0-9]+}", func(r chi.Router) {
		r.Get("/", ok)
		r.Get("/project", ok)
	})
	c := contract.Of(r)
	files := route(t, c, "*", "/files/*")
	if files.Answers(405, "") || len(files.Parameters) != 1 || files.Parameters[0].Name != "*" {
		t.Errorf("files: %+v", files)
	}
	cloud := route(t, c, "GET", "/cloud/{cloudPk:[0-9]+}")
	if len(cloud.Parameters) != 1 || string(cloud.Parameters[0].Schema) != `{"pattern":"^[0-9]+$","type":"string"}` {
		t.Errorf("cloud parameters %+v", cloud.Parameters)
	}
	route(t, c, "GET", "/cloud/{cloudPk:[0-9]+}/project")
	var routes []string
	for _, rt := range c.Routes {
		if rt.Pattern == "/routes" {
			routes = append(routes, rt.Method)
			if !rt.Answers(405, base+"method-not-allowed") || !rt.Answers(406, base+"not-acceptable") {
				t.Errorf("the docs handler's own answers: %+v", rt.Responses)
			}
		}
	}
	if !slices.Equal(routes, []string{"GET", "HEAD"}) {
		t.Errorf("a handler for every method that serves GET and HEAD: %v", routes)
	}
}

func TestDeclareAddsTheHandlersAnswers(t *testing.T) {
	r := newRoot(writer())
	r.With(middleware.Negotiate("application/json"), contract.Declare(
		contract.Response{Status: 200, Description: "The cloud.", Schema: contract.Schema(reflect.TypeFor[newCloud](), false)},
		contract.Response{Status: 404, Description: "No such cloud."},
		contract.Response{Status: 409, Type: problem.TypeConflict},
	)).Get("/cloud/{id}", ok)
	got := route(t, contract.Of(r), "GET", "/cloud/{id}")
	wantAnswers(t, got, []answer{
		{200, "", []string{"Vary", "X-Request-Id"}},
		{404, base + "not-found", nil},
		{405, base + "method-not-allowed", nil},
		{406, base + "not-acceptable", nil},
		{409, base + "conflict", nil},
		{500, base + "internal-server-error", nil},
	})
	if got.Responses[0].Description != "The cloud." || string(got.Responses[0].Schema) == "" {
		t.Errorf("declared 200: %+v", got.Responses[0])
	}
	rec := &recorder{}
	contract.Declare(contract.Response{Status: 200})(rec).ServeHTTP(nil, nil)
	if rec.calls != 1 {
		t.Error("Declare's middleware does not call the handler")
	}
}

type recorder struct{ calls int }

func (r *recorder) ServeHTTP(http.ResponseWriter, *http.Request) { r.calls++ }

func TestOfUnregisteredTypesAreFound(t *testing.T) {
	catalog := problem.NewCatalog(base)
	catalog.MustRegister(problem.DefaultTypes()...)
	if err := catalog.Remove(problem.TypeQuotaExceeded); err != nil {
		t.Fatal(err)
	}
	r := newRoot(&problem.Writer{Catalog: catalog})
	r.With(ratelimit.Limit(10, time.Minute)).Get("/x", ok)
	c := contract.Of(r)
	want := "GET /x: ratelimit.Limit answers with the problem type " + problem.QuotaExceededURI +
		", which the problem writer's catalog does not hold, so the type documents nothing; " +
		"fix: register problem.DefaultTypes() in the catalog, or your own quota-exceeded type"
	if err := c.Check(); err == nil || err.Error() != want {
		t.Errorf("Check:\n%v\nwant\n%s", err, want)
	}
	x := route(t, c, "GET", "/x")
	if !x.Answers(429, problem.QuotaExceededURI) {
		t.Errorf("the 429 has the type the Writer sends for a type its catalog lacks: %+v", x.Responses)
	}
}

func TestOfCustomVerifierMayFail(t *testing.T) {
	custom := auth.VerifierFunc(func(context.Context, string) (auth.Principal, error) { return auth.Principal{}, auth.ErrInvalidToken })
	r := newRoot(writer())
	r.With(auth.Authenticate(auth.Scheme("Token", custom))).Get("/x", ok)
	x := route(t, contract.Of(r), "GET", "/x")
	if !x.Answers(503, base+"service-unavailable") || x.Security[0].Scheme != "Token" || x.Security[0].Format != "" {
		t.Errorf("custom verifier: %+v %+v", x.Security, x.Responses)
	}
}

func TestContractIsPlainData(t *testing.T) {
	r := newRoot(writer())
	r.With(bind.Body[newCloud](nil)).Post("/cloud", ok)
	c := contract.Of(r)
	var v any
	if err := json.Unmarshal(route(t, c, "POST", "/cloud").Body.Schema, &v); err != nil {
		t.Fatal(err)
	}
	c.Routes[0].Responses[0].Headers = append(c.Routes[0].Responses[0].Headers, "X-Mine")
	if again := contract.Of(r); slices.Contains(again.Routes[0].Responses[0].Headers, "X-Mine") {
		t.Error("a contract shares its slices with the next")
	}
}

// Every middleware chiguard exports describes itself: none is opaque.
func TestEveryChiguardMiddlewareDescribesItself(t *testing.T) {
	pw := writer()
	m := &middleware.Maintenance{}
	l, err := ratelimit.NewLimiter(ratelimit.Policy{Quota: 1, Window: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mws := []func(http.Handler) http.Handler{
		pw.Handler, middleware.Recoverer, middleware.RequestID, m.Handler, middleware.HeadAsGet, middleware.TranslateErrors,
		auth.Conceal, auth.Authenticate(auth.Bearer(jwtVerifier(t))), ratelimit.Limit(1, time.Second), l.Handler,
		auth.RequireScopes("a"), auth.RequireAnyScope("a", "b"), auth.RequireUser, auth.RequireApp, auth.RequireAuthenticated,
		middleware.Negotiate("application/json"), bind.ValidatePath[int]("id"), bind.Body[newCloud](nil),
		middleware.Conditional, middleware.ConditionalMaxBytes(10), contract.Declare(),
	}
	r := chi.NewRouter()
	r.Use(mws[:6]...)
	r.With(mws[6:]...).Get("/{id}", ok)
	got := route(t, contract.Of(r), "GET", "/{id}")
	if len(got.Middlewares) != len(mws) {
		t.Fatalf("%d middlewares, want %d", len(got.Middlewares), len(mws))
	}
	for _, m := range got.Middlewares {
		if m.Opaque {
			t.Errorf("%s does not describe itself", m.Name)
		}
	}
}

// The headers the contract lists are those sent: Vary on every problem
// (the writer's Vary: Accept), ETag on the 200 Conditional tags.
func TestOfListsTheHeadersSent(t *testing.T) {
	r := newRoot(writer())
	r.With(auth.Authenticate(auth.Bearer(jwtVerifier(t))), middleware.Conditional,
		contract.Declare(contract.Response{Status: 200})).Get("/doc", ok)
	r.With(middleware.Conditional, contract.Declare(contract.Response{Status: 200})).Put("/doc", ok)
	c := contract.Of(r)
	for _, rt := range c.Routes {
		for _, resp := range rt.Responses {
			if resp.Type != "" && !slices.Contains(resp.Headers, "Vary") {
				t.Errorf("%s %s: the %d problem lists %v, no Vary", rt.Method, rt.Pattern, resp.Status, resp.Headers)
			}
			if resp.Status == 200 && slices.Contains(resp.Headers, "ETag") != (rt.Method != "PUT") {
				t.Errorf("%s %s: the 200 lists %v", rt.Method, rt.Pattern, resp.Headers)
			}
		}
	}
	for _, resp := range c.Unrouted {
		if resp.Type != "" && !slices.Contains(resp.Headers, "Vary") {
			t.Errorf("unrouted %d lists %v", resp.Status, resp.Headers)
		}
	}
}
