package contract_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
)

// get serves GET path with r and returns the status.
func get(r http.Handler, path, key string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if key != "" {
		req.Header.Set("Authorization", "ApiKey "+key)
	}
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w.Code
}

// A router mounted at "/" inside another catches every path the outer one
// does not route: the outer router's own 404 is never answered, and the
// contract lists one mount at the pattern, the inner one.
func TestOfListsARouterMountedAtSlashInAMountOnce(t *testing.T) {
	r := newRoot(writer())
	r.Route("/api", func(r chi.Router) {
		r.Get("/health", ok)
		inner := chi.NewRouter()
		inner.Use(auth.Authenticate(auth.APIKey(apiKeys(t))))
		inner.Get("/x", ok)
		r.Mount("/", inner)
	})
	if got := get(r, "/api/nope", ""); got != http.StatusUnauthorized {
		t.Fatalf("GET /api/nope: %d, want 401", got)
	}
	c := contract.Of(r)
	var at []contract.Mount
	for _, m := range c.Mounts {
		if m.Pattern == "/api" {
			at = append(at, m)
		}
	}
	if len(at) != 1 || !slices.Contains(statuses(at[0].Unrouted), http.StatusUnauthorized) {
		t.Errorf("mounts at /api: %+v, want one, with the inner router's 401", at)
	}
	var md strings.Builder
	if err := c.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(md.String(), "## Any other path below /api\n"); n != 1 {
		t.Errorf("the page has %d sections for /api, want 1:\n%s", n, md.String())
	}
}

// Maintenance never exempts a path with an empty or a dot segment, and
// "/problems/*" does not exempt "/problems" itself, which chi routes to
// the mount: an unknown path below the mount can get the 503.
func TestOfListsMaintenanceBelowAnExemptMount(t *testing.T) {
	m := &middleware.Maintenance{Exempt: []string{"/problems/*"}}
	m.Enable(0)
	r := newRoot(writer(), m.Handler)
	r.Route("/problems", func(r chi.Router) { r.Get("/{slug}", ok) })
	for _, path := range []string{"/problems", "/problems//x", "/problems/./x"} {
		if got := get(r, path, ""); got != http.StatusServiceUnavailable {
			t.Fatalf("GET %s: %d, want 503", path, got)
		}
	}
	c := contract.Of(r)
	if got := statuses(mount(t, c, "/problems").Unrouted); !slices.Contains(got, http.StatusServiceUnavailable) {
		t.Errorf("unknown paths below /problems answer %v, want the 503 too", got)
	}
}

// Declare declares the answers of the handler after it, and Conditional
// acts on a handler's 200: neither answers a path no route serves.
func TestOfListsNoHandlerAnswerForUnknownPaths(t *testing.T) {
	r := newRoot(writer(), contract.Declare(contract.Response{Status: http.StatusConflict, Description: "in use"}))
	r.Route("/clouds", func(r chi.Router) {
		r.Use(middleware.Conditional, contract.Declare(contract.Response{Status: http.StatusCreated}))
		r.Get("/{id}", ok)
	})
	req := httptest.NewRequest(http.MethodGet, "/clouds/1/nope", nil)
	req.Header.Set("If-None-Match", "*")
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusNotFound {
		t.Fatalf("GET /clouds/1/nope: %d, want 404", w.Code)
	}
	c := contract.Of(r)
	if got := statuses(c.Unrouted); !slices.Equal(got, []int{404}) {
		t.Errorf("unknown paths answer %v, want the 404 alone", got)
	}
	if got := statuses(mount(t, c, "/clouds").Unrouted); !slices.Equal(got, []int{404}) {
		t.Errorf("unknown paths below /clouds answer %v, want the 404 alone", got)
	}
	if rt := route(t, c, "GET", "/clouds/{id}"); !rt.Answers(http.StatusConflict, "") || !rt.Answers(http.StatusNotModified, "") {
		t.Errorf("the route lost its declared or conditional answers: %v", statuses(rt.Responses))
	}
}

// A subrouter's "/" route serves its mount's path with and without the
// slash: exempting "/cloud" alone leaves "/cloud/" refused, and the route
// can answer the 503.
func TestOfListsMaintenanceOnAMountRootExemptWithoutItsSlash(t *testing.T) {
	m := &middleware.Maintenance{Exempt: []string{"/cloud"}}
	m.Enable(0)
	r := newRoot(writer(), m.Handler)
	r.Route("/cloud", func(r chi.Router) { r.Get("/", ok) })
	if got := get(r, "/cloud/", ""); got != http.StatusServiceUnavailable {
		t.Fatalf("GET /cloud/: %d, want 503", got)
	}
	if rt := route(t, contract.Of(r), "GET", "/cloud"); !rt.Answers(http.StatusServiceUnavailable, "") {
		t.Errorf("GET /cloud answers %v, want the 503 too", statuses(rt.Responses))
	}
	m.Exempt = append(m.Exempt, "/cloud/")
	if rt := route(t, contract.Of(r), "GET", "/cloud"); rt.Answers(http.StatusServiceUnavailable, "") {
		t.Errorf("GET /cloud, exempt with and without its slash, answers %v", statuses(rt.Responses))
	}
}
