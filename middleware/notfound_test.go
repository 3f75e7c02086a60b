package middleware

import (
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/go-chi/chi/v5"
)

// semRouter is an API with routes at the root, in a Route subrouter, in a
// mounted router, and with a handler for every method.
func semRouter(getHead bool) http.Handler {
	r := chi.NewRouter()
	if getHead {
		r.Use(HeadAsGet)
	}
	r.NotFound(NotFound)
	r.MethodNotAllowed(MethodNotAllowed)
	r.Get("/cloud", testkit.OK)
	r.Post("/cloud", testkit.OK)
	r.Route("/cloud/{cloudPk}", func(r chi.Router) {
		r.Get("/", testkit.OK)
		r.Delete("/", testkit.OK)
		r.Options("/", testkit.OK)
		r.Put("/project/{id}", testkit.OK)
	})
	users := chi.NewRouter()
	users.Get("/me", testkit.OK)
	users.Patch("/me", testkit.OK)
	users.Head("/me", testkit.OK)
	r.Mount("/users", users)
	r.Handle("/any", testkit.OK)
	api := chi.NewRouter()
	api.Route("/v1/items/{id}", func(r chi.Router) { r.Get("/", testkit.OK) })
	r.Mount("/api", api)
	return r
}

func TestMethodNotAllowedListsServedMethods(t *testing.T) {
	tests := []struct {
		name, method, path string
		getHead            bool
		allow              string
	}{
		{"root route", "DELETE", "/cloud", true, "GET, HEAD, POST"},
		{"Route subrouter", "POST", "/cloud/42", true, "GET, HEAD, DELETE, OPTIONS"},
		{"nested parameter", "GET", "/cloud/42/project/7", true, "PUT"},
		{"Mount-ed router with its own HEAD", "POST", "/users/me", false, "GET, HEAD, PATCH"},
		{"HEAD listed with GetHead", "PUT", "/cloud", true, "GET, HEAD, POST"},
		{"HEAD listed for GET routes", "PUT", "/cloud", false, "GET, HEAD, POST"},
		{"HEAD left out when a HEAD got here", "HEAD", "/cloud", false, "GET, POST"},
		{"Route inside a Mount-ed router", "POST", "/api/v1/items/3", true, "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testkit.Serve(semRouter(tt.getHead), testkit.Request(tt.method, tt.path, ""))
			if tt.method == "HEAD" {
				if rec.Code != http.StatusMethodNotAllowed || rec.Body.Len() != 0 {
					t.Fatalf("status %d, body %q", rec.Code, rec.Body)
				}
			} else {
				testkit.Problem(t, rec, http.StatusMethodNotAllowed)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestHeadAsGetServesHEADWhereGETIs(t *testing.T) {
	tests := []struct {
		path   string
		status int
	}{
		{"/cloud", http.StatusOK},
		{"/cloud/42", http.StatusOK}, // a Route subrouter's own path, where chi's GetHead gives 405
		{"/cloud/42/", http.StatusOK},
		{"/users/me", http.StatusOK}, // its own HEAD handler
		{"/api/v1/items/3", http.StatusOK},
		{"/cloud/42/project/7", http.StatusMethodNotAllowed},
		{"/nope", http.StatusNotFound},
	}
	for _, tt := range tests {
		rec := testkit.Serve(semRouter(true), testkit.Request("HEAD", tt.path, ""))
		if rec.Code != tt.status {
			t.Errorf("HEAD %s: status = %d, want %d", tt.path, rec.Code, tt.status)
		}
		if rec.Code == http.StatusOK && rec.Body.String() != "ok" {
			t.Errorf("HEAD %s: not served by the GET handler: %q", tt.path, rec.Body)
		}
	}
}

func TestNotFoundAtEveryLevel(t *testing.T) {
	for _, path := range []string{"/nope", "/cloud/42/nope", "/users/nope", "/cloud/42/project"} {
		t.Run(path, func(t *testing.T) {
			p := testkit.Problem(t, testkit.Serve(semRouter(true), testkit.Request("GET", path, "")), http.StatusNotFound)
			if p["title"] != "Not Found" {
				t.Errorf("title = %v", p["title"])
			}
		})
	}
}

func TestMethodNotAllowedWithUnknownMethod(t *testing.T) {
	// chi sends methods it does not know to the 405 handler, whatever the
	// path: where nothing is served, that is a 404.
	rec := testkit.Serve(semRouter(true), testkit.Request("FROB", "/nope", ""))
	testkit.Problem(t, rec, http.StatusNotFound)
	rec = testkit.Serve(semRouter(true), testkit.Request("FROB", "/cloud", ""))
	testkit.Problem(t, rec, http.StatusMethodNotAllowed)
	if got := rec.Header().Get("Allow"); got != "GET, HEAD, POST" {
		t.Errorf("Allow = %q", got)
	}
}

func TestAllowedMethodsOutsideChi(t *testing.T) {
	if got := AllowedMethods(testkit.Request("GET", "/", "")); got != nil {
		t.Fatalf("AllowedMethods = %q, want nil", got)
	}
}

func TestAllowedMethodsEveryMethodRoute(t *testing.T) {
	var got []string
	r := chi.NewRouter()
	r.Handle("/any", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = AllowedMethods(r) }))
	testkit.Serve(r, testkit.Request("GET", "/any", ""))
	want := "GET HEAD POST PUT PATCH DELETE QUERY OPTIONS CONNECT TRACE"
	if s := join(got); s != want {
		t.Fatalf("AllowedMethods = %q, want %q", s, want)
	}
}

func join(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}

// The subrouter cache must not keep routers alive: tests and servers that
// build routers on the fly would leak them.
func TestMountCacheForgetsCollectedRouters(t *testing.T) {
	count := func() (n int) {
		mounts.Range(func(any, any) bool { n++; return true })
		return n
	}
	before := count()
	for range 50 {
		r := chi.NewRouter()
		r.MethodNotAllowed(MethodNotAllowed)
		r.Route("/cloud/{id}", func(r chi.Router) { r.Get("/", func(http.ResponseWriter, *http.Request) {}) })
		if rec := testkit.Serve(r, testkit.Request("PATCH", "/cloud/1", "")); rec.Code != http.StatusMethodNotAllowed {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if count() <= before {
		t.Fatal("the cache was not used")
	}
	// Cleanups run on their own goroutine after a collection: collect until
	// they have, within a failsafe bound.
	deadline := time.Now().Add(10 * time.Second)
	for count() > before && time.Now().Before(deadline) {
		runtime.GC()
		runtime.Gosched()
	}
	if n := count(); n > before {
		t.Fatalf("%d entries of collected routers remain", n-before)
	}
}
