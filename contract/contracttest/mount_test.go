package contracttest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

func mountRoot() *chi.Mux {
	r := chi.NewRouter()
	r.Use(problem.DefaultWriter.Handler)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	return r
}

func mountKeys(t *testing.T) *auth.APIKeys {
	k, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "k", ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type mountReq struct {
	method, path, key string
	status            int
}

// serveAll serves each request through an Observe of r, checks the status,
// and returns the recorder and what Observe reported.
func serveAll(t *testing.T, r chi.Router, reqs []mountReq) (*contracttest.Recorder, []string) {
	t.Helper()
	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	for _, q := range reqs {
		req := httptest.NewRequest(q.method, q.path, nil)
		if q.key != "" {
			req.Header.Set("Authorization", "ApiKey "+q.key)
		}
		w := httptest.NewRecorder()
		rec.ServeHTTP(w, req)
		if w.Code != q.status {
			t.Fatalf("%s %s: %d, want %d", q.method, q.path, w.Code, q.status)
		}
	}
	f.end()
	return rec, f.errors
}

// A router mounted at "/" inside r.Route gets the unknown paths below the
// Route: Observe holds them to its answers, not the outer router's.
func TestObserveHoldsARouterMountedAtSlashInAMount(t *testing.T) {
	r := mountRoot()
	r.Route("/api", func(r chi.Router) {
		r.Get("/health", ok)
		inner := chi.NewRouter()
		inner.Use(auth.Authenticate(auth.APIKey(mountKeys(t))))
		inner.Get("/x", ok)
		r.Mount("/", inner)
	})
	if _, errs := serveAll(t, r, []mountReq{
		{"GET", "/api/nope", "", 401},
		{"GET", "/api/nope", "k", 404},
		{"POST", "/api/x", "", 401},
	}); len(errs) > 0 {
		t.Errorf("Observe failed correct answers: %q", errs)
	}
}

// The root's middlewares refuse a method no route serves at a path before
// chi routes it, as they refuse an unknown path.
func TestObserveListsTheRootsRefusalOfAnUnservedMethod(t *testing.T) {
	r := mountRoot()
	r.Use(auth.Authenticate(auth.APIKey(mountKeys(t))))
	r.Get("/x", ok)
	r.Route("/a", func(r chi.Router) { r.Get("/y", ok) })
	if _, errs := serveAll(t, r, []mountReq{
		{"POST", "/x", "", 401},
		{"POST", "/a/y", "", 401},
		{"POST", "/x", "k", 405},
	}); len(errs) > 0 {
		t.Errorf("Observe failed correct answers: %q", errs)
	}
}

// Maintenance in a mount does not exempt the mount's own path unless it is
// listed: "/docs/*" leaves "/docs" refused.
func TestObserveHoldsMaintenanceInAMount(t *testing.T) {
	m := &middleware.Maintenance{Exempt: []string{"/docs/*"}}
	m.Enable(0)
	r := mountRoot()
	r.Route("/docs", func(r chi.Router) {
		r.Use(m.Handler)
		r.Get("/{slug}", ok)
	})
	if _, errs := serveAll(t, r, []mountReq{
		{"GET", "/docs", "", http.StatusServiceUnavailable},
		{"GET", "/docs//x", "", http.StatusServiceUnavailable},
		{"GET", "/docs/a/b", "", 404},
	}); len(errs) > 0 {
		t.Errorf("Observe failed correct answers: %q", errs)
	}
}

// A method a subrouter's "/" route does not serve, asked with the mount's
// slash, is that route's 405.
func TestObserveCreditsASubroutersRootWithItsSlash(t *testing.T) {
	r := chi.NewRouter()
	r.Use(problem.DefaultWriter.Handler)
	r.MethodNotAllowed(middleware.MethodNotAllowed)
	r.Route("/api/cloud/{id}", func(r chi.Router) { r.Get("/", ok) })
	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	w := httptest.NewRecorder()
	rec.ServeHTTP(w, httptest.NewRequest("POST", "/api/cloud/1/", nil))
	f.end()
	if got := rec.Observations(); w.Code != http.StatusMethodNotAllowed || len(got) != 1 || got[0].Pattern != "/api/cloud/{id}" || len(f.errors) != 0 {
		t.Fatalf("status %d, observations %+v, errors %v", w.Code, rec.Observations(), f.errors)
	}
}

// An unknown path below a mount is refused by the mount's middlewares
// before its 404; Observe holds it to that mount's answers, and a method a
// path below it does not serve too.
func TestObserveHoldsUnknownPathsToTheirMount(t *testing.T) {
	r := mountRoot()
	r.Route("/admin", func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(mountKeys(t))))
		r.Get("/users", ok)
		r.Route("/teapots", func(r chi.Router) {
			// Not chiguard's: what it answers is unknown to the contract.
			r.Use(func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") == "ApiKey k" && strings.HasSuffix(r.URL.Path, "/brew") {
						w.WriteHeader(http.StatusTeapot)
						return
					}
					next.ServeHTTP(w, r)
				})
			})
			r.Get("/", ok)
		})
	})
	rec, errs := serveAll(t, r, []mountReq{
		{"GET", "/admin/nope", "", 401},
		{"GET", "/admin/nope", "k", 404},
		{"POST", "/admin/users", "", 401},
		{"POST", "/admin/users", "k", 405},
		{"GET", "/admin/teapots/nope", "", 401},
		{"GET", "/admin/teapots/brew", "k", 418},
	})
	got := rec.Observations()
	if got[0].Mount != "/admin" || got[0].Pattern != "" || got[4].Mount != "/admin" || got[5].Mount != "/admin/teapots" || got[2].Pattern != "/admin/users" {
		t.Errorf("observations %+v", got)
	}
	want := "contracttest: a path below /admin/teapots that no route serves answered 418, which its contract does not list"
	if len(errs) != 1 || !strings.HasPrefix(errs[0], want) {
		t.Errorf("Observe reported %q, want the teapot alone: %q", errs, want)
	}
}
