package contract_test

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
)

// mountedRouter keeps authenticated routes in r.Route, where chi runs the
// mount's middlewares before it routes.
func mountedRouter(t *testing.T) *chi.Mux {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "reader", ClientID: "r"},
		auth.APIKeyApp{Key: "admin", ClientID: "a", Scopes: []string{"admin"}})
	if err != nil {
		t.Fatal(err)
	}
	r := newRoot(writer())
	r.Get("/healthz", ok)
	r.Route("/admin", func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin"))
		r.Get("/users", ok)
		r.Route("/clouds/{id}", func(r chi.Router) {
			r.Use(middleware.Negotiate("application/json"))
			r.Get("/", ok)
		})
	})
	r.Route("/public", func(r chi.Router) { r.Get("/news", ok) })
	r.Route("/hidden", func(r chi.Router) {
		r.Use(auth.Conceal, auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin"))
		r.Get("/x", ok)
	})
	return r
}

func mount(t *testing.T, c *contract.Contract, pattern string) contract.Mount {
	t.Helper()
	i := slices.IndexFunc(c.Mounts, func(m contract.Mount) bool { return m.Pattern == pattern })
	if i < 0 {
		t.Fatalf("no mount %s in %+v", pattern, c.Mounts)
	}
	return c.Mounts[i]
}

func statuses(rs []contract.Response) []int {
	var out []int
	for _, r := range rs {
		out = append(out, r.Status)
	}
	return out
}

// An unknown path below a mount gets the refusals of the mount's
// middlewares before the 404: the contract lists them per mount, and each
// is what the router answers.
func TestOfListsTheAnswersBelowEachMount(t *testing.T) {
	r := mountedRouter(t)
	c := contract.Of(r)
	var patterns []string
	for _, m := range c.Mounts {
		patterns = append(patterns, m.Pattern)
	}
	if want := []string{"/admin", "/admin/clouds/{id}", "/hidden", "/public"}; !slices.Equal(patterns, want) {
		t.Fatalf("mounts %v, want %v", patterns, want)
	}
	if got := statuses(c.Unrouted); !slices.Equal(got, []int{404}) {
		t.Errorf("the root's unknown paths answer %v, want the 404 alone", got)
	}
	for _, tc := range []struct {
		mount string
		want  []int
	}{
		{"/admin", []int{400, 401, 403, 404}},
		{"/admin/clouds/{id}", []int{400, 401, 403, 404, 406}},
		{"/public", []int{404}},
		{"/hidden", []int{404}},
	} {
		m := mount(t, c, tc.mount)
		if got := statuses(m.Unrouted); !slices.Equal(got, tc.want) {
			t.Errorf("unknown paths below %s answer %v, want %v: %+v", tc.mount, got, tc.want, m.Unrouted)
		}
		if m.Concealed != (tc.mount == "/hidden") {
			t.Errorf("%s: concealed %v", tc.mount, m.Concealed)
		}
	}
	admin := mount(t, c, "/admin")
	if i := slices.IndexFunc(admin.Unrouted, func(a contract.Response) bool { return a.Status == 401 }); i < 0 ||
		admin.Unrouted[i].Type != base+"unauthorized" || !slices.Contains(admin.Unrouted[i].Headers, "WWW-Authenticate") {
		t.Errorf("the 401 below /admin: %+v", admin.Unrouted)
	}

	// What the contract lists is what the router answers.
	for _, tc := range []struct {
		path, key, accept string
		status            int
	}{
		{"/nope", "", "", 404},
		{"/admin/nope", "", "", 401},
		{"/admin/nope", "reader", "", 403},
		{"/admin/nope", "admin", "", 404},
		{"/admin/clouds/1/nope", "admin", "text/csv", 406},
		{"/public/nope", "", "", 404},
		{"/hidden/nope", "", "", 404},
	} {
		req := httptest.NewRequest("GET", tc.path, nil)
		if tc.key != "" {
			req.Header.Set("Authorization", "ApiKey "+tc.key)
		}
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		if w.Code != tc.status {
			t.Errorf("GET %s (key %q): %d, want %d", tc.path, tc.key, w.Code, tc.status)
		}
	}
}

// The routes page shows the unknown paths of a mount whose answers differ
// from the root's, and never a concealed mount.
func TestRoutesPageShowsTheMountsThatAnswerOtherwise(t *testing.T) {
	c := contract.Of(mountedRouter(t))
	var md, html strings.Builder
	if err := c.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Any other path below /admin\n", "## Any other path below /admin/clouds/{id}\n"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown page lacks %q", want)
		}
	}
	_, below, _ := strings.Cut(md.String(), "## Any other path below /admin\n")
	section, _, _ := strings.Cut(below, "\n## ")
	if !strings.Contains(section, "| 401 | `"+base+"unauthorized`") || !strings.Contains(section, "| 404 | `"+base+"not-found`") {
		t.Errorf("the /admin section:\n%s", section)
	}
	for _, page := range []string{md.String(), html.String()} {
		if strings.Contains(page, "below /public") || strings.Contains(page, "/hidden") {
			t.Errorf("the page shows a mount that answers as the root does, or a concealed one:\n%s", page)
		}
	}
	if !strings.Contains(html.String(), "<h2>Any other path below <code>/admin/clouds/{id}</code></h2>") {
		t.Errorf("the HTML page lacks the section of /admin/clouds/{id}")
	}
}
