package contracttest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/problem"
)

// A router's NotFound and MethodNotAllowed handlers of the API's own are
// not chiguard's: what they answer is theirs, and the contract does not
// guess it is chi's plain text. It says they answer, by name, and Observe
// takes whatever problem they send with their status.
func TestOwnNotFoundAndMethodNotAllowedAreOpaque(t *testing.T) {
	r := chi.NewRouter()
	r.Use((&problem.Writer{}).Handler)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, problem.NotFound("No page here."))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET")
		problem.Write(w, r, problem.MethodNotAllowed("GET only."))
	})
	r.Get("/cloud", func(http.ResponseWriter, *http.Request) {})

	c := contract.Of(r)
	rt, _ := c.Route("GET", "/cloud")
	for name, rs := range map[string][]contract.Response{"unrouted": c.Unrouted, "GET /cloud": rt.Responses} {
		for _, resp := range rs {
			if resp.Status != http.StatusNotFound && resp.Status != http.StatusMethodNotAllowed {
				continue
			}
			if !resp.Opaque || resp.Type != "" || len(resp.Causes) != 1 ||
				!strings.Contains(resp.Causes[0].Middleware, "TestOwnNotFoundAndMethodNotAllowedAreOpaque") ||
				strings.Contains(resp.Causes[0].Middleware, "chi's") {
				t.Errorf("%s: %d listed as %+v, want an opaque answer named by its handler", name, resp.Status, resp)
			}
		}
	}

	f := &fakeTB{}
	rec := contracttest.Observe(f, r)
	for _, req := range []*http.Request{httptest.NewRequest("GET", "/nope", nil), httptest.NewRequest("POST", "/cloud", nil)} {
		rec.ServeHTTP(httptest.NewRecorder(), req)
	}
	f.end()
	if len(f.errors) > 0 {
		t.Errorf("Observe failed the router's own handlers' problems: %v", f.errors)
	}
}

// chi's own 404 and 405 are plain text, not opaque: they are chi's, named
// so, though the compiler makes a copy of chi's 405 closure wherever it
// inlines the function that returns it.
func TestChisOwnNotFoundAndMethodNotAllowedArePlain(t *testing.T) {
	r := chi.NewRouter()
	r.Use((&problem.Writer{}).Handler)
	r.Get("/cloud", func(http.ResponseWriter, *http.Request) {})
	r.Route("/sub", func(r chi.Router) { r.Get("/x", func(http.ResponseWriter, *http.Request) {}) })
	c := contract.Of(r)
	for _, pattern := range []string{"/cloud", "/sub/x"} {
		rt, _ := c.Route("GET", pattern)
		for _, resp := range rt.Responses {
			if resp.Status == http.StatusMethodNotAllowed && (resp.Opaque || resp.Causes[0].Middleware != "chi's MethodNotAllowed") {
				t.Errorf("%s: 405 listed as %+v", pattern, resp)
			}
		}
	}
	for _, resp := range c.Unrouted {
		if resp.Status == http.StatusNotFound && (resp.Opaque || resp.Causes[0].Middleware != "chi's NotFound") {
			t.Errorf("unrouted: 404 listed as %+v", resp)
		}
	}
}

// Observe takes the chi.Routes that Check and Compare take.
func TestObserveTakesTheRoutesCheckAndCompareTake(t *testing.T) {
	var routes chi.Routes = chi.NewRouter()
	routes.(chi.Router).Get("/x", func(http.ResponseWriter, *http.Request) {})
	f := &fakeTB{}
	rec := contracttest.Observe(f, routes)
	rec.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	f.end()
	if len(f.errors) > 0 || len(rec.Observations()) != 1 {
		t.Errorf("Observe of a chi.Routes: %v, %v", f.errors, rec.Observations())
	}
}
