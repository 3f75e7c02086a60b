package problem_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
)

// A catalog whose base is a host's root, as for a docs host of its own
// ("https://errors.example.com/"), serves its pages at the root: every
// type URI opens its page, and no link names another host ("//not-found"
// is the host not-found), with chi or with net/http's mux.
func TestDocsAtTheRoot(t *testing.T) {
	c := problem.NewCatalog("https://errors.example.com/")
	c.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: c}

	r := chi.NewRouter()
	r.Use(pw.Handler)
	r.Handle("/*", c.DocsHandler())

	mux := http.NewServeMux()
	mux.Handle("/", c.DocsHandler())

	for _, tt := range []struct {
		name string
		h    http.Handler
	}{{"chi", r}, {"ServeMux", pw.Handler(mux)}} {
		t.Run(tt.name, func(t *testing.T) {
			for _, accept := range []string{"text/html", "text/markdown"} {
				for _, start := range []string{"/", "/" + problem.TypeNotFound} {
					pages := testkit.Crawl(t, tt.h, start, accept)
					for _, ty := range c.Types() {
						if !pages["/"+ty.Slug] {
							t.Errorf("from %s (%s), no link reaches /%s", start, accept, ty.Slug)
						}
					}
				}
			}
			w := get(tt.h, "GET", "/", "application/json")
			if strings.Contains(w.Body.String(), `"//`) {
				t.Errorf("the JSON index links to another host:\n%s", w.Body)
			}
		})
	}
}
