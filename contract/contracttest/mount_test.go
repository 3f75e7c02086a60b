package contracttest_test

import (
	"net/http"
	"net/http/httptest"
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
// and returns what Observe reported.
func serveAll(t *testing.T, r chi.Router, reqs []mountReq) []string {
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
	return f.errors
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
	if errs := serveAll(t, r, []mountReq{
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
	if errs := serveAll(t, r, []mountReq{
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
	if errs := serveAll(t, r, []mountReq{
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
