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

// The problem writer sends a problem as application/json to a client
// that asks for it (and as XML with Writer.XML): Observe holds its type to
// the contract all the same, as for application/problem+json. A JSON
// error of the handler's own, without a problem's status member, is no
// problem, and a success body with a "type" member no error.
func TestObserveReadsTheTypeOfAProblemInEveryMediaTypeTheWriterSends(t *testing.T) {
	catalog := problem.NewCatalog("/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	catalog.MustRegister(problem.Type{Slug: "cloud-gone", Status: http.StatusNotFound, Title: "Cloud Gone",
		Description: "The cloud was deleted.", Fix: "Create another."})
	r := chi.NewRouter()
	r.Use((&problem.Writer{Catalog: catalog, XML: true}).Handler)
	r.With(contract.Declare(contract.Response{Status: http.StatusNotFound, Description: "No such cloud."})).
		Get("/cloud", func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, r, &problem.Problem{Type: "cloud-gone"})
		})
	r.With(contract.Declare(contract.Response{Status: http.StatusNotFound, Description: "No such cloud."})).
		Get("/own", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"type":"missing","code":404}`))
		})
	r.Get("/success", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"type":"cumulus","status":200}`))
	})

	for _, tc := range []struct {
		path, accept string
		unlisted     bool
	}{
		{"/cloud", "", true},
		{"/cloud", "application/problem+json", true},
		{"/cloud", "application/json", true},
		{"/cloud", "application/problem+xml", true},
		{"/cloud", "application/xml", true},
		{"/own", "application/json", false},
		{"/success", "application/json", false},
	} {
		f := &fakeTB{}
		rec := contracttest.Observe(f, r)
		req := httptest.NewRequest("GET", tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		w := httptest.NewRecorder()
		rec.ServeHTTP(w, req)
		f.end()
		if got := len(f.errors) > 0; got != tc.unlisted {
			t.Errorf("GET %s, Accept %q, answered as %s: Observe failed the test: %v, want %v (%q)", tc.path, tc.accept,
				w.Header().Get("Content-Type"), got, tc.unlisted, f.errors)
		}
		if tc.unlisted && (len(f.errors) != 1 || !strings.Contains(f.errors[0], "/problems/cloud-gone")) {
			t.Errorf("GET %s, Accept %q: %q, want the undeclared type named", tc.path, tc.accept, f.errors)
		}
	}
}
