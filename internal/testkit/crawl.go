package testkit

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var (
	htmlLink = regexp.MustCompile(`href="([^"]*)"`)
	htmlID   = regexp.MustCompile(`id="([^"]*)"`)
	mdLink   = regexp.MustCompile(`\]\(<([^>]*)>\)|\]\(([^)\s<]+)\)`)
)

// Crawl follows every link of every page reachable from start through h,
// asking for one format (text/html or text/markdown), and fails the test
// on a page that does not answer 200, a link that leaves the site, or a
// fragment its target page has no id for. It returns the paths it read.
func Crawl(t testing.TB, h http.Handler, start, accept string) map[string]bool {
	t.Helper()
	origin, _ := url.Parse("http://example.com")
	seen := map[string]bool{}
	ids := map[string]map[string]bool{}
	type fragment struct{ page, id, from string }
	var fragments []fragment
	queue := []string{start}
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		if seen[target] {
			continue
		}
		seen[target] = true
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header.Set("Accept", accept)
		w := Serve(h, r)
		if w.Code != http.StatusOK {
			t.Errorf("%s (%s): %d\n%s", target, accept, w.Code, w.Body)
			continue
		}
		body := w.Body.String()
		ids[target] = map[string]bool{}
		for _, m := range htmlID.FindAllStringSubmatch(body, -1) {
			ids[target][html.UnescapeString(m[1])] = true
		}
		var links []string
		if strings.HasPrefix(accept, "text/html") {
			for _, m := range htmlLink.FindAllStringSubmatch(body, -1) {
				links = append(links, html.UnescapeString(m[1]))
			}
		} else {
			for _, m := range mdLink.FindAllStringSubmatch(body, -1) {
				links = append(links, m[1]+m[2])
			}
		}
		page := origin.ResolveReference(&url.URL{Path: target})
		for _, l := range links {
			ref, err := url.Parse(l)
			if err != nil {
				t.Errorf("%s: link %q: %v", target, l, err)
				continue
			}
			u := page.ResolveReference(ref)
			if u.Host != origin.Host || u.Scheme != origin.Scheme {
				t.Errorf("%s: link %q leaves the site", target, l)
				continue
			}
			if u.Fragment != "" {
				fragments = append(fragments, fragment{u.EscapedPath(), u.Fragment, target})
			}
			queue = append(queue, u.EscapedPath())
		}
	}
	for _, f := range fragments {
		if !ids[f.page][f.id] {
			t.Errorf("%s: link to %s#%s, which has no such id", f.from, f.page, f.id)
		}
	}
	return seen
}
