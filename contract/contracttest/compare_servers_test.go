package contracttest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/contract/contracttest"
)

// A document's paths are relative to its server's URL: a router that
// serves /v1/clouds agrees with a document whose server is .../v1 and
// whose path is /clouds.
func TestCompareAppendsPathsToTheServersBasePath(t *testing.T) {
	r := chi.NewRouter()
	r.Route("/v1", func(r chi.Router) {
		r.Get("/clouds", ok)
		r.Get("/clouds/{id}", ok)
	})
	op := `{"get": {"responses": {"200": {"description": "x"}, "405": {"description": "x"}}}}`
	for _, tt := range []struct {
		name, servers string
		drift         bool
	}{
		{"an absolute URL", `[{"url": "https://api.example.com/v1"}]`, false},
		{"a trailing slash", `[{"url": "https://api.example.com/v1/"}]`, false},
		{"a relative URL", `[{"url": "/v1"}]`, false},
		{"a variable", `[{"url": "https://api.example.com/{version}", "variables": {"version": {"default": "v1"}}}]`, false},
		{"another base path", `[{"url": "https://api.example.com/v2"}]`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"openapi": "3.1.0", "servers": ` + tt.servers + `, "paths": {"/clouds": ` + op + `, "/clouds/{cloudId}": ` + op + `}}`
			diffs, err := contracttest.Diff(contract.Of(r), []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if (len(diffs) > 0) != tt.drift {
				t.Errorf("diffs %q, want drift %v", diffs, tt.drift)
			}
			if tt.drift && !strings.Contains(strings.Join(diffs, "\n"), "- GET /v2/clouds") {
				t.Errorf("diffs %q name no /v2/clouds", diffs)
			}
		})
	}
}

// An operation's own servers override its path item's and the document's,
// as a path item's do the document's.
func TestCompareReadsAnOperationUnderItsOwnServers(t *testing.T) {
	r := chi.NewRouter()
	r.Get("/v1/clouds", ok)
	r.Get("/v2/clouds", ok)
	doc := `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "https://api.example.com/v1"}],
	  "paths": {"/clouds": {"get": {"servers": [{"url": "https://api.example.com/v2"}],
	    "responses": {"200": {"description": "x"}, "405": {"description": "x"}}}}}}`
	diffs, err := contracttest.Diff(contract.Of(r), []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"+ GET /v1/clouds: served by the router, missing from the document"}
	if !slices.Equal(diffs, want) {
		t.Errorf("diffs %q, want %q", diffs, want)
	}
}
