package contracttest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// fakeTB records failures instead of failing the test that runs it.
type fakeTB struct {
	testing.TB
	errors   []string
	fatal    bool
	cleanups []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, a ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, a...))
}
func (f *fakeTB) Fatalf(format string, a ...any) {
	f.Errorf(format, a...)
	f.fatal = true
}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func ok(http.ResponseWriter, *http.Request) {}

func router(t testing.TB) chi.Router {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app", Scopes: []string{"cloud:read"}},
		auth.APIKeyApp{Key: "m", ClientID: "manager", Scopes: []string{"cloud:read", "cloud:manage"}})
	if err != nil {
		t.Fatal(err)
	}
	catalog := problem.NewCatalog("/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: catalog}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Get("/healthz", ok)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(keys)))
		r.With(auth.RequireScopes("cloud:read"), middleware.Negotiate("application/json"), middleware.Conditional).
			Get("/cloud/{id}", ok)
		r.With(auth.RequireScopes("cloud:manage"), contract.Declare(contract.Response{Status: 204})).
			Delete("/cloud/{id}", func(w http.ResponseWriter, r *http.Request) {
				if chi.URLParam(r, "id") == "7" {
					problem.Write(w, r, problem.Conflict("The cloud is in use."))
					return
				}
				w.WriteHeader(http.StatusNoContent)
			})
	})
	return r
}

// matching is a hand-written document that agrees with router.
const matching = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "components": {"securitySchemes": {"key": {"type": "http", "scheme": "ApiKey"}}},
  "paths": {
    "/healthz": {"get": {"responses": {"200": {"description": "ok"}, "405": {"description": "x"}, "500": {"description": "x"}}}},
    "/cloud/{cloudId}": {
      "parameters": [{"name": "cloudId", "in": "path", "required": true}],
      "get": {"security": [{"key": ["cloud:read"]}],
        "responses": {"200": {"description": "ok"}, "304": {"description": "x"}, "4XX": {"description": "x"}, "500": {"description": "x"}}},
      "delete": {"security": [{"key": ["cloud:manage"]}],
        "responses": {"204": {"description": "ok"}, "400": {"description": "x"}, "401": {"description": "x"}, "403": {"description": "x"},
          "405": {"description": "x"}, "500": {"description": "x"}}}
    }
  }
}`

func TestCompareAcceptsADocumentThatAgrees(t *testing.T) {
	f := &fakeTB{}
	contracttest.Compare(f, router(t), []byte(matching))
	if len(f.errors) > 0 {
		t.Errorf("Compare failed: %v", f.errors)
	}
}

func TestCompareAcceptsTheGeneratedDocument(t *testing.T) {
	for name, r := range map[string]chi.Router{"scopes and statuses": router(t), "bodies and media types": exportRouter()} {
		doc, err := json.Marshal(contract.Of(r).OpenAPI(contract.Info{Title: "t", Version: "1"}))
		if err != nil {
			t.Fatal(err)
		}
		f := &fakeTB{}
		contracttest.Compare(f, r, doc)
		if len(f.errors) > 0 {
			t.Errorf("%s: Compare failed on the router's own document: %v", name, f.errors)
		}
	}
}

func TestCompareFailsOnEachDrift(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"a status the document omits",
			func(d string) string { return strings.Replace(d, `"304": {"description": "x"}, `, "", 1) },
			"GET /cloud/{cloudId}: the router can answer 304 Not Modified, from middleware.Conditional; the document omits it"},
		{"a problem status the document omits",
			func(d string) string { return strings.Replace(d, `"403": {"description": "x"},`, "", 1) },
			"DELETE /cloud/{cloudId}: the router can answer 403 Forbidden (/problems/forbidden), from auth.RequireScopes; the document omits it"},
		{"scopes that differ",
			func(d string) string {
				return strings.Replace(d, `"key": ["cloud:manage"]`, `"key": ["cloud:write"]`, 1)
			},
			"DELETE /cloud/{cloudId}: scopes differ: the document asks for [cloud:write], the router for [cloud:manage]"},
		{"credentials the document does not ask for",
			func(d string) string { return strings.Replace(d, `"security": [{"key": ["cloud:read"]}],`, "", 1) },
			"GET /cloud/{cloudId}: scopes differ: the document asks for no credentials, the router for [cloud:read]"},
		{"a route missing from the document",
			func(d string) string { return strings.Replace(d, `"/healthz"`, `"/health"`, 1) },
			"+ GET /healthz: served by the router, missing from the document"},
		{"a route the router does not serve",
			func(d string) string { return strings.Replace(d, `"/healthz"`, `"/health"`, 1) },
			"- GET /health: in the document, not served by the router"},
		{"a method the router does not serve",
			func(d string) string {
				return strings.Replace(d, `"delete":`, `"put": {"responses": {"200": {"description": "x"}}}, "delete":`, 1)
			},
			"- PUT /cloud/{cloudId}: in the document, not served by the router"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.edit(matching)
			if doc == matching {
				t.Fatal("the edit changed nothing")
			}
			f := &fakeTB{}
			contracttest.Compare(f, router(t), []byte(doc))
			if len(f.errors) != 1 || !strings.Contains(f.errors[0], "\n  "+tt.want) {
				t.Errorf("Compare reported %q, want a list holding %q", f.errors, tt.want)
			}
		})
	}
	f := &fakeTB{}
	contracttest.Compare(f, router(t), []byte(`{"paths":`))
	if !f.fatal {
		t.Error("a document that is not JSON does not stop the test")
	}
}

func TestObserveFailsOnAnswersTheContractLacks(t *testing.T) {
	f := &fakeTB{}
	rec := contracttest.Observe(f, router(t))
	srv := httptest.NewServer(rec)
	defer srv.Close()
	do := func(method, path, key string) int {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "ApiKey "+key)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		method, path, key string
		status            int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/cloud/1", "", 401},
		{"GET", "/cloud/1", "k", 200},
		{"DELETE", "/cloud/1", "k", 403},
		{"PATCH", "/cloud/1", "k", 405},
		{"GET", "/nowhere", "", 404},
		{"HEAD", "/cloud/1", "", 405},
	} {
		if got := do(c.method, c.path, c.key); got != c.status {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, got, c.status)
		}
	}
	f.end()
	if len(f.errors) > 0 {
		t.Fatalf("answers the contract lists were reported: %v", f.errors)
	}
	got := rec.Observations()
	if len(got) != 7 || got[3] != (contracttest.Observation{Method: "DELETE", Pattern: "/cloud/{id}", Status: 403, Type: "/problems/forbidden"}) ||
		got[4].Pattern != "/cloud/{id}" || got[5].Pattern != "" {
		t.Errorf("observations %+v", got)
	}

	f = &fakeTB{}
	rec = contracttest.Observe(f, router(t))
	req := httptest.NewRequest("DELETE", "/cloud/7", nil)
	req.Header.Set("Authorization", "ApiKey m")
	rec.ServeHTTP(httptest.NewRecorder(), req)
	f.end()
	want := "contracttest: DELETE /cloud/{id} answered 409 /problems/conflict, which its contract does not list"
	if len(f.errors) != 1 || !strings.HasPrefix(f.errors[0], want) || !strings.Contains(f.errors[0], "contract.Declare") {
		t.Errorf("Observe reported %q, want %q", f.errors, want)
	}
}

// A route that declares its successes fails the test with any other 2xx;
// one that declares none may answer any.
func TestObserveHoldsDeclaredSuccesses(t *testing.T) {
	r := chi.NewRouter()
	r.With(contract.Declare(contract.Response{Status: 200})).Get("/declared", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})
	r.Get("/undeclared", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) })
	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	for _, path := range []string{"/declared", "/undeclared"} {
		rec.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	f.end()
	got := rec.Unlisted()
	if len(got) != 1 || got[0].Pattern != "/declared" || got[0].Status != 202 || len(f.errors) != 1 {
		t.Fatalf("unlisted %+v, errors %v; want the 202 of /declared alone", got, f.errors)
	}
}

// A middleware that rewrites the routing path (StripSlashes) sends the
// request to another route than its URL names: the answer is that route's.
func TestObserveFollowsARewrittenRoutingPath(t *testing.T) {
	r := chi.NewRouter()
	r.Use(chimw.StripSlashes)
	r.With(contract.Declare(contract.Response{Status: 200})).Get("/items", func(w http.ResponseWriter, r *http.Request) {})
	r.With(contract.Declare(contract.Response{Status: 201})).Get("/items/", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	rec.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/", nil))
	f.end()
	if got := rec.Observations(); len(got) != 1 || got[0].Pattern != "/items" || got[0].Status != 200 || len(f.errors) != 0 {
		t.Fatalf("observations %+v, errors %v", got, f.errors)
	}
}

// The router's 405 at a path a middleware rewrote (StripSlashes) is the
// 405 of the route at the rewritten path.
func TestObserveCreditsA405AtARewrittenRoutingPathToItsRoute(t *testing.T) {
	r := chi.NewRouter()
	r.Use(problem.DefaultWriter.Handler, chimw.StripSlashes)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Get("/items", ok)
	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	w := httptest.NewRecorder()
	rec.ServeHTTP(w, httptest.NewRequest("POST", "/items/", nil))
	f.end()
	if got := rec.Observations(); w.Code != 405 || len(got) != 1 || got[0].Pattern != "/items" || len(f.errors) != 0 {
		t.Fatalf("status %d, observations %+v, errors %v", w.Code, got, f.errors)
	}
}
