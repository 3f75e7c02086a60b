package chiguard_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/examples/server/api"
)

// demoRoute is a demo route with a path that reaches it, and what it
// takes, for the test to provoke each of its answers.
type demoRoute struct {
	method, pattern, path string
	scope                 string // what the route requires; "" for a public route
	user                  bool   // RequireUser
	body                  string // a valid body, for routes that decode one
	negotiates, cloud     bool   // Negotiate; a {cloudPk} that ValidatePath checks
	conditional           bool
	preconditions         bool   // the handler checks If-Match (middleware.CheckPreconditions)
	other                 string // a method the path is not served for
	maintenance           bool   // answers 502 during maintenance
	// unprovokable are answers of the route's contract that no request
	// can get: the catalog's docs answer 404 for a path of no type, and
	// the index's pattern matches only the index.
	unprovokable []int
}

var demoRoutes = []demoRoute{
	{method: "GET", pattern: "/", path: "/", other: "POST", maintenance: true},
	{method: "GET", pattern: "/healthz", path: "/healthz", other: "POST"},
	{method: "GET", pattern: "/routes", path: "/routes", other: "POST"},
	{method: "GET", pattern: "/openapi.json", path: "/openapi.json", other: "POST"},
	{method: "GET", pattern: "/problems", path: "/problems", other: "POST", unprovokable: []int{http.StatusNotFound}},
	{method: "GET", pattern: "/problems/*", path: "/problems/not-found", other: "DELETE"},
	{method: "GET", pattern: "/user", path: "/user", scope: "user:read", user: true, negotiates: true, other: "POST", maintenance: true},
	{method: "GET", pattern: "/cloud", path: "/cloud", scope: "cloud:read", negotiates: true, conditional: true, other: "PATCH", maintenance: true},
	{method: "POST", pattern: "/cloud", path: "/cloud", scope: "cloud:manage", negotiates: true, body: `{"name":"x"}`, other: "PATCH", maintenance: true},
	{method: "GET", pattern: "/cloud/{cloudPk}", path: "/cloud/1", scope: "cloud:read", negotiates: true, cloud: true, conditional: true, other: "PATCH", maintenance: true},
	{method: "GET", pattern: "/cloud/{cloudPk}/project", path: "/cloud/1/project", scope: "cloud:read", negotiates: true, cloud: true, conditional: true, other: "PUT", maintenance: true},
	{method: "POST", pattern: "/cloud/{cloudPk}/export", path: "/cloud/1/export", scope: "cloud:read", negotiates: true, cloud: true, other: "GET", maintenance: true},
	{method: "GET", pattern: "/cloud/{cloudPk}/export/{exportId}", path: "/cloud/1/export/100", scope: "cloud:read", negotiates: true, cloud: true, other: "POST", maintenance: true},
	{method: "DELETE", pattern: "/cloud/{cloudPk}", path: "/cloud/1", scope: "cloud:manage", negotiates: true, cloud: true, preconditions: true, other: "PATCH", maintenance: true},
	{method: "PUT", pattern: "/admin/maintenance", path: "/admin/maintenance", scope: "admin:manage", negotiates: true, body: `{"enabled":false}`, other: "GET"},
	{method: "GET", pattern: "/debug/panic", path: "/debug/panic", scope: "-", other: "POST", maintenance: true},
}

// provocation is one request and the status it must get.
type provocation struct {
	name   string
	method string
	path   string
	header http.Header
	body   string
	want   int
}

// provocations are the requests that provoke each answer of r: every
// error status of the seed page that applies to it, and 304, 405, 412,
// 413 and 415.
func (r demoRoute) provocations(t *testing.T) []provocation {
	all := []string{"cloud:read", "cloud:manage", "user:read", "admin:manage"}
	granted := func(scopes ...string) string {
		return "Bearer " + mint(t, api.Token{Subject: "alice", Scopes: scopes, TTL: time.Hour})
	}
	h := func(kv ...string) http.Header {
		hd := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			hd.Add(kv[i], kv[i+1])
		}
		return hd
	}
	authed := func(kv ...string) http.Header {
		hd := http.Header{}
		if r.scope != "" {
			hd.Set("Authorization", granted(all...))
		}
		if r.body != "" {
			hd.Set("Content-Type", "application/json")
		}
		for k, v := range h(kv...) {
			hd[k] = v
		}
		return hd
	}
	ok := provocation{"the route itself", r.method, r.path, authed(), r.body, 0}
	ps := []provocation{{"another method", r.other, r.path, authed(), "", http.StatusMethodNotAllowed}}
	if r.scope != "" {
		ps = append(ps,
			provocation{"no credentials", r.method, r.path, h("Content-Type", "application/json"), r.body, http.StatusUnauthorized},
			provocation{"an expired token", r.method, r.path,
				h("Authorization", "Bearer "+mint(t, api.Token{Subject: "alice", Scopes: all, TTL: -time.Hour})), r.body, http.StatusUnauthorized},
			provocation{"two credentials", r.method, r.path, h("Authorization", granted(all...), "Authorization", "ApiKey "+api.DemoAPIKey),
				r.body, http.StatusBadRequest},
		)
	}
	if r.scope != "" && r.scope != "-" {
		var others []string
		for _, s := range all {
			if s != r.scope {
				others = append(others, s)
			}
		}
		ps = append(ps, provocation{"a missing scope", r.method, r.path, h("Authorization", granted(others...), "Content-Type", "application/json"),
			r.body, http.StatusForbidden})
	}
	if r.user {
		app := "Bearer " + mint(t, api.Token{Subject: "demo-app", Scopes: all, App: true, TTL: time.Hour})
		ps = append(ps, provocation{"an app on a user route", r.method, r.path, h("Authorization", app), "", http.StatusForbidden})
	}
	if r.negotiates {
		ps = append(ps, provocation{"an unacceptable format", r.method, r.path, authed("Accept", "text/html"), r.body, http.StatusNotAcceptable})
	}
	if r.cloud {
		ps = append(ps,
			provocation{"a cloud ID that is not a number", r.method, strings.Replace(r.path, "/1", "/%5Bobject%20Object%5D", 1), authed(), "", http.StatusBadRequest},
			provocation{"a missing cloud", r.method, strings.Replace(r.path, "/1", "/999", 1), authed(), "", http.StatusNotFound},
		)
	}
	if r.conditional {
		ps = append(ps,
			provocation{"a current ETag", r.method, r.path, authed("If-None-Match", "*"), "", http.StatusNotModified},
			provocation{"a stale ETag", r.method, r.path, authed("If-Match", `"stale"`), "", http.StatusPreconditionFailed},
		)
	}
	if r.preconditions {
		ps = append(ps, provocation{"a stale ETag", r.method, r.path, authed("If-Match", `"stale"`), "", http.StatusPreconditionFailed})
	}
	if r.body != "" {
		ps = append(ps,
			provocation{"a body that is not JSON", r.method, r.path, authed("Content-Type", "text/plain"), "x", http.StatusUnsupportedMediaType},
			provocation{"a body over the limit", r.method, r.path, authed(), `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, http.StatusRequestEntityTooLarge},
			provocation{"a body missing a field", r.method, r.path, authed(), `{}`, http.StatusBadRequest},
		)
	}
	switch r.pattern {
	case "/routes", "/problems", "/problems/*":
		ps = append(ps, provocation{"an unacceptable page", r.method, r.path, h("Accept", "image/png"), "", http.StatusNotAcceptable})
	}
	if r.pattern == "/problems/*" {
		ps = append(ps, provocation{"a type the catalog lacks", r.method, "/problems/no-such-type", nil, "", http.StatusNotFound})
	}
	if r.pattern == "/debug/panic" {
		ok.want = http.StatusInternalServerError
	}
	return append(ps, ok)
}

// Each demo route is asked for each answer it can give; every answer the
// tests get is one its contract lists, with the same problem type, and the
// seed page's statuses are all provoked.
func TestEveryProvokedAnswerIsInTheRoutesContract(t *testing.T) {
	// Enough failed credential checks for every route's 401 and 400.
	srv, rec := newObservedAPI(t, func(c *api.Config) { c.AuthFailureLimit = api.Rate{N: 1000, Window: time.Minute} })
	seen := map[string][]int{} // route -> statuses provoked
	for _, r := range demoRoutes {
		key := r.method + " " + r.pattern
		if _, ok := rec.Contract().Route(r.method, r.pattern); !ok {
			t.Fatalf("the contract has no route %s", key)
		}
		for _, p := range r.provocations(t) {
			resp, raw := do(t, srv, p.method, p.path, p.header, p.body)
			if p.want != 0 && resp.StatusCode != p.want {
				t.Errorf("%s, %s: %d, want %d\n%s", key, p.name, resp.StatusCode, p.want, raw)
			}
			seen[key] = append(seen[key], resp.StatusCode)
		}
	}
	// 429: a quota of one request, then one failed credential check.
	limited, limitedRec := newObservedAPI(t, func(c *api.Config) {
		c.RateLimit, c.AuthFailureLimit = api.Rate{N: 1, Window: time.Minute}, api.Rate{N: 1, Window: time.Minute}
	})
	for i, r := range demoRoutes {
		if r.scope == "" {
			continue
		}
		key := r.method + " " + r.pattern
		token := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: fmt.Sprint("user-", i),
			Scopes: []string{"cloud:read", "cloud:manage", "user:read", "admin:manage"}, TTL: time.Hour})}}
		do(t, limited, r.method, r.path, token, "")
		if resp, raw := do(t, limited, r.method, r.path, token, ""); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("%s over its quota: %d\n%s", key, resp.StatusCode, raw)
		}
		seen[key] = append(seen[key], http.StatusTooManyRequests)
	}
	// 502: maintenance.
	down, downRec := newObservedAPI(t, func(c *api.Config) { c.Maintenance = true })
	for _, r := range demoRoutes {
		if !r.maintenance {
			continue
		}
		key := r.method + " " + r.pattern
		if resp, _ := do(t, down, r.method, r.path, nil, ""); resp.StatusCode != http.StatusBadGateway {
			t.Errorf("%s during maintenance: %d", key, resp.StatusCode)
		}
		seen[key] = append(seen[key], http.StatusBadGateway)
	}

	for _, obs := range slices.Concat(rec.Observations(), limitedRec.Observations(), downRec.Observations()) {
		if obs.Pattern == "" || obs.Status < 300 {
			continue // a path no route serves; a handler's success
		}
		rt, ok := rec.Contract().Route(obs.Method, obs.Pattern)
		if !ok {
			for _, r := range rec.Contract().Routes {
				if r.Pattern == obs.Pattern {
					rt, ok = r, true // the path's 405, for a method it is not served for
				}
			}
		}
		if !ok || !rt.Answers(obs.Status, obs.Type) {
			t.Errorf("%s is not in the contract of %s %s", obs, rt.Method, rt.Pattern)
		}
	}
	// Every status of the seed page, and the ones of HTTP's own semantics,
	// was provoked on some route, and each route got its own.
	var all []int
	for _, ss := range seen {
		all = append(all, ss...)
	}
	for _, s := range []int{304, 400, 401, 403, 404, 405, 406, 412, 413, 415, 429, 500, 502} {
		if !slices.Contains(all, s) {
			t.Errorf("no route was made to answer %d", s)
		}
	}
	for _, r := range demoRoutes {
		key := r.method + " " + r.pattern
		rt, _ := rec.Contract().Route(r.method, r.pattern)
		for _, a := range rt.Responses {
			if a.Status >= 400 && !slices.Contains(seen[key], a.Status) && !unprovokable(a) && !slices.Contains(r.unprovokable, a.Status) {
				t.Errorf("%s can answer %d (%s), which no request provoked", key, a.Status, a.Type)
			}
		}
	}
}

// unprovokable are answers the demo cannot be made to give on purpose: a
// panic outside the debug route.
func unprovokable(a contract.Response) bool {
	return a.Status == http.StatusInternalServerError
}

// The demo's GET /openapi.json is valid, documents every route with
// every answer of its contract, and agrees with the router.
func TestDemoOpenAPIDocument(t *testing.T) {
	cfg := api.DefaultConfig()
	cfg.DebugRoutes = true
	cfg.Logger = discardLogger()
	a, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d", rec.Code)
	}
	doc := rec.Body.Bytes()
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(loader.Context); err != nil {
		t.Fatalf("kin-openapi: %v", err)
	}
	router := a.Handler.(chi.Router)
	c := contract.Of(router)
	for _, r := range demoRoutes {
		item := d.Paths.Find(strings.ReplaceAll(r.pattern, "*", "{path}"))
		if item == nil || item.GetOperation(r.method) == nil {
			t.Errorf("the document lacks %s %s", r.method, r.pattern)
			continue
		}
		op := item.GetOperation(r.method)
		rt, _ := c.Route(r.method, r.pattern)
		for _, a := range rt.Responses {
			if op.Responses.Status(a.Status) == nil {
				t.Errorf("%s %s: the document lacks its %d", r.method, r.pattern, a.Status)
			}
		}
	}
	contracttest.Compare(t, router, doc)
}
