package contracttest_test

import (
	"log/slog"
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

// A JSON error of the handler's own may have a "type" and a "status" too,
// as in {"type": "invalid-request", "status": 400}: it names no type
// the problem writer sends (about:blank, or one of its catalog's URIs), so
// it is a 400 the route declares, not an undeclared problem type.
func TestObserveTakesNoOwnJSONErrorForAProblem(t *testing.T) {
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	catalog.MustRegister(problem.Type{Slug: "invalid-request", Status: http.StatusBadRequest, Title: "Invalid Request",
		Description: "A type of the catalog, whose slug a handler's own error uses too.", Fix: "Fix the request."})
	r := chi.NewRouter()
	r.Use((&problem.Writer{Catalog: catalog}).Handler)
	own := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(body))
		}
	}
	declared := contract.Declare(contract.Response{Status: http.StatusBadRequest, Description: "Bad input."})
	r.With(declared).Post("/own", own(`{"type":"invalid-request","status":400,"message":"no name"}`))
	r.With(declared).Post("/problem", func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, &problem.Problem{Type: "invalid-request"})
	})
	for _, tc := range []struct {
		path     string
		unlisted bool
	}{
		{"/own", false},
		{"/problem", true}, // the catalog's type, sent as a 400: undeclared
	} {
		f := &fakeTB{}
		rec := contracttest.Observe(f, r)
		req := httptest.NewRequest("POST", tc.path, nil)
		req.Header.Set("Accept", "application/json")
		rec.ServeHTTP(httptest.NewRecorder(), req)
		f.end()
		if got := len(f.errors) > 0; got != tc.unlisted {
			t.Errorf("POST %s: Observe failed the test: %v, want %v (%q)", tc.path, got, tc.unlisted, f.errors)
		}
	}
}

// A catalog without quota-exceeded still gets that type from
// problem.QuotaExceeded, under its IANA URI, as the problem writer keeps
// what the defaults say of a type the catalog lacks: sent as
// application/json, it is the same undeclared problem type as in
// application/problem+json.
func TestObserveReadsTheDefaultsURIOfATypeTheCatalogLacksInJSON(t *testing.T) {
	catalog := problem.NewCatalog("https://api.example.com/problems/")
	catalog.MustRegister(problem.DefaultTypes()...)
	if err := catalog.Remove(problem.TypeQuotaExceeded); err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use((&problem.Writer{Catalog: catalog, Logger: slog.New(slog.DiscardHandler)}).Handler)
	r.With(contract.Declare(contract.Response{Status: http.StatusTooManyRequests, Description: "Slow down."})).
		Get("/quota", func(w http.ResponseWriter, r *http.Request) {
			problem.Write(w, r, problem.QuotaExceeded("Spent."))
		})
	for _, accept := range []string{"application/problem+json", "application/json"} {
		f := &fakeTB{}
		rec := contracttest.Observe(f, r)
		req := httptest.NewRequest("GET", "/quota", nil)
		req.Header.Set("Accept", accept)
		rec.ServeHTTP(httptest.NewRecorder(), req)
		f.end()
		if len(f.errors) != 1 || !strings.Contains(f.errors[0], problem.QuotaExceededURI) {
			t.Errorf("Accept %s: %q, want the undeclared %s named", accept, f.errors, problem.QuotaExceededURI)
		}
	}
}
