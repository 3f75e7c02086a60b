package contract_test

import (
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
)

// OpenAPI spells "/item/{id:[0-9]+}" and "/item/{slug:[a-z]+}" as one
// path, as it does "/item/{id:[0-9]+}" and "/item/{id:[a-z]+}": the
// document describes the first route's operation only, whatever the
// parameters are called, so Check reports both pairs. Routes of other
// methods keep operations of their own.
func TestCheckFindsRoutesOpenAPISpellsAsOnePath(t *testing.T) {
	tests := []struct {
		name   string
		routes func(r chi.Router)
		want   string // "" for no finding
	}{
		{"same names, other regexps", func(r chi.Router) {
			r.Get("/item/{id:[0-9]+}", ok)
			r.Get("/item/{id:[a-z]+}", ok)
		}, "GET /item/{id:[a-z]+}: the router serves a pattern that OpenAPI spells as the same path as /item/{id:[0-9]+} "},
		{"other names and regexps", func(r chi.Router) {
			r.Get("/item/{id:[0-9]+}", ok)
			r.Get("/item/{slug:[a-z]+}", ok)
		}, "GET /item/{slug:[a-z]+}: the router serves a pattern that OpenAPI spells as the same path as /item/{id:[0-9]+} "},
		{"other names, below a mount", func(r chi.Router) {
			r.Route("/org/{org}", func(r chi.Router) {
				r.Get("/team/{id:[0-9]+}", ok)
				r.Get("/team/{name:[a-z]+}", ok)
			})
		}, "GET /org/{org}/team/{name:[a-z]+}: the router serves a pattern that OpenAPI spells as the same path as /org/{org}/team/{id:[0-9]+} "},
		{"a wildcard and a parameter", func(r chi.Router) {
			r.Get("/files/{name}", ok)
			r.Get("/files/*", ok)
		}, "GET /files/{name}: the router serves a pattern that OpenAPI spells as the same path as /files/* (a parameter's name and regexp, and a wildcard, are all one to it)"},
		{"other methods", func(r chi.Router) {
			r.Get("/item/{id:[0-9]+}", ok)
			r.Delete("/item/{slug:[a-z]+}", ok)
		}, ""},
		{"other paths", func(r chi.Router) {
			r.Get("/item/{id:[0-9]+}", ok)
			r.Get("/item/{id:[0-9]+}/tags", ok)
		}, ""},
	}
	for _, tc := range tests {
		r := newRoot(writer())
		tc.routes(r)
		err := contract.Check(r)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Check: %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: Check: %v, want %q", tc.name, err, tc.want)
		}
	}
}
