package chiguard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The demo's docs: the seed error-codes page in its words, every link
// working, every example valid, and an OpenAPI document that says the
// same.

// seedRows reads the seed error-codes page: status -> description.
func seedRows(t *testing.T) map[int]string {
	t.Helper()
	raw, err := os.ReadFile("testdata/error-codes.rst")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, m := range regexp.MustCompile(`(?m)^(\d{3})\s+(.+?)\s*$`).FindAllStringSubmatch(string(raw), -1) {
		var code int
		fmt.Sscan(m[1], &code)
		// The seed's apostrophe was mis-encoded; its 500 example is left
		// out, since the demo answers that path with a 400.
		text := strings.ReplaceAll(m[2], "applicationâ€™s", "application's")
		text, _, _ = strings.Cut(text, " By example:")
		out[code] = text
	}
	if len(out) != 13 {
		t.Fatalf("the seed page has %d statuses, want 13", len(out))
	}
	return out
}

// The demo's page is the seed page: each of its statuses, in its words,
// and no status the demo cannot send.
func TestContractErrorCodesPage(t *testing.T) {
	seed := seedRows(t)
	srv := newAPI(t, nil)
	_, md := do(t, srv, "GET", "/problems", http.Header{"Accept": {"text/markdown"}}, "")
	rows := map[int]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| (?:<a id="\d+"></a>)?(\d{3}) \|(.*)$`).FindAllStringSubmatch(string(md), -1) {
		var code int
		fmt.Sscan(m[1], &code)
		rows[code] += m[2]
	}
	for code, text := range seed {
		if !strings.Contains(rows[code], text) {
			t.Errorf("the page's %d says %q, want %q", code, rows[code], text)
		}
	}
	var got []int
	for code := range rows {
		got = append(got, code)
	}
	want := []int{200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 406, 412, 413, 415, 429, 500, 502, 503}
	if len(got) != len(want) {
		t.Errorf("the page lists %d statuses, want %v", len(got), want)
	}
	for _, code := range want {
		if _, ok := rows[code]; !ok {
			t.Errorf("the page lacks %d", code)
		}
	}
}

// Every href of every docs page, in HTML and Markdown, from /problems and
// /problems/, opens a page of the demo.
func TestContractDocsLinksResolve(t *testing.T) {
	a, err := api.New(quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, start := range []string{"/problems", "/problems/"} {
		for _, accept := range []string{"text/html", "text/markdown"} {
			pages := testkit.Crawl(t, a, start, accept)
			for _, ty := range a.Catalog.Types() {
				if !pages["/problems/"+ty.Slug] {
					t.Errorf("from %s (%s), no link reaches %s", start, accept, ty.Slug)
				}
			}
		}
	}
	for _, path := range []string{"/problems/a/b/not-found", "/problems/too-many-requests", "/problems/nope"} {
		r, _ := http.NewRequest("GET", path, nil)
		if w := testkit.Serve(a, r); w.Code != 404 || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s", path, w.Code, w.Header().Get("Content-Type"))
		}
	}
}

func quietConfig() api.Config {
	cfg := api.DefaultConfig()
	cfg.Logger = discardLogger()
	return cfg
}

// GET /openapi.json is an OpenAPI 3.1 document kin-openapi accepts, and
// every example on the docs pages validates against its type's schema
// there and against RFC 9457's.
func TestContractOpenAPI(t *testing.T) {
	srv := newAPI(t, nil)
	resp, raw := do(t, srv, "GET", "/openapi.json", nil, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	spec, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := spec.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.1") || spec.Paths == nil {
		t.Errorf("openapi %q, paths %v", spec.OpenAPI, spec.Paths)
	}
	rfc := problemSchema(t)
	pre := regexp.MustCompile(`(?s)<pre><code>(.*?)</code></pre>`)
	a, err := api.New(quietConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, ty := range a.Catalog.Types() {
		_, page := do(t, srv, "GET", "/problems/"+ty.Slug, nil, "")
		m := pre.FindSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no example", ty.Slug)
		}
		_, body, _ := strings.Cut(html.UnescapeString(string(m[1])), "\n\n")
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s: the example body is not JSON: %v\n%s", ty.Slug, err, body)
		}
		resp := spec.Components.Responses[ty.Slug]
		if resp == nil {
			t.Fatalf("%s: no response in the document", ty.Slug)
		}
		if err := resp.Value.Content.Get("application/problem+json").Schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("%s: the example fails its schema: %v", ty.Slug, err)
		}
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(body)))
		if err := rfc.Validate(inst); err != nil {
			t.Errorf("%s: the example fails RFC 9457's schema: %v", ty.Slug, err)
		}
	}
}
