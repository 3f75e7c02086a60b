package problem_test

import (
	"bytes"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// docsRouter mounts c's docs as the README does, behind c's writer.
func docsRouter(c *problem.Catalog) http.Handler {
	r := chi.NewRouter()
	r.Use((&problem.Writer{Catalog: c}).Handler)
	r.Handle("/problems", c.DocsHandler())
	r.Handle("/problems/*", c.DocsHandler())
	return r
}

func get(h http.Handler, method, target, accept string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestDocsHandler(t *testing.T) {
	c := defaultCatalog(t)
	c.MustRegister(problem.Type{Slug: "script", Status: 400, Title: "<script>", Description: "a & b | c"})
	h := docsRouter(c)
	const (
		htmlType = "text/html; charset=utf-8"
		mdType   = "text/markdown; charset=utf-8"
		pj       = "application/problem+json"
	)
	tests := []struct {
		method, path, accept string
		wantStatus           int
		wantType             string
		wantBody             []string
	}{
		{"GET", "/problems", "", 200, htmlType, []string{"<h1>Error codes</h1>", `<meta name="viewport"`, `<tr id="429">`,
			`<a href="/problems/quota-exceeded">`, `&lt;script&gt;`, `a &amp; b | c`}},
		{"GET", "/problems/", "text/html,*/*;q=0.8", 200, htmlType, []string{`<a href="/problems/not-found">`}},
		{"GET", "/problems/not-found", "", 200, htmlType, []string{"<h1>Not Found</h1>", `<a href="/problems/#404">`,
			"When it happens", "How to fix it", "HTTP/1.1 404 Not Found"}},
		{"GET", "/problems/quota-exceeded", "", 200, htmlType, []string{problem.QuotaExceededURI, "violated-policies",
			"Retry-After", "RateLimit-Policy", "array of strings"}},
		{"GET", "/problems/method-not-allowed/", "", 200, htmlType, []string{"Allow: GET, HEAD, DELETE"}},
		{"GET", "/problems", "text/markdown", 200, mdType, []string{"# Error codes", `| <a id="404"></a>404 | [Not Found](</problems/not-found>)`,
			`a & b \| c`, `\<script\>`}},
		{"GET", "/problems/forbidden", "text/markdown", 200, mdType, []string{"# Forbidden", "`missing_scopes` (optional)", "```http\nHTTP/1.1 403 Forbidden"}},
		{"GET", "/problems/not-found", "application/json", 200, "application/json", []string{`"type": "/problems/not-found"`, `"example": {`}},
		{"GET", "/problems", "application/json", 200, "application/json", []string{`"type": "` + problem.QuotaExceededURI + `"`}},
		{"HEAD", "/problems/not-found", "", 200, htmlType, nil},
		{"GET", "/problems/nope", "", 404, pj, []string{`"status":404`}},
		{"GET", "/problems/a/b/not-found", "", 404, pj, []string{`"status":404`}},
		{"GET", "/problems/not-found/x", "", 404, pj, []string{`"status":404`}},
		{"GET", "/problems/not-found", "image/png", 406, pj, []string{`"acceptable":["text/html","text/markdown","application/json"]`}},
		{"POST", "/problems", "", 405, pj, []string{`"status":405`}},
	}
	for _, tt := range tests {
		w := get(h, tt.method, tt.path, tt.accept)
		if w.Code != tt.wantStatus || w.Header().Get("Content-Type") != tt.wantType {
			t.Errorf("%s %s (Accept %q): %d %q\n%s", tt.method, tt.path, tt.accept, w.Code, w.Header().Get("Content-Type"), w.Body)
			continue
		}
		for _, want := range tt.wantBody {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("%s %s (Accept %q) lacks %q", tt.method, tt.path, tt.accept, want)
			}
		}
		if tt.method == "HEAD" && w.Body.Len() != 0 {
			t.Errorf("HEAD has a body")
		}
		if tt.wantStatus == 200 && !strings.Contains(w.Header().Get("Vary"), "Accept") {
			t.Errorf("%s: no Vary: Accept", tt.path)
		}
	}
}

// Every link of every docs page opens a page, wherever the docs are
// mounted: at /problems with or without the slash, under another name
// with chi, and behind a stripped prefix with net/http's mux.
func TestDocsLinksResolve(t *testing.T) {
	c := defaultCatalog(t)
	pw := &problem.Writer{Catalog: c}

	other := chi.NewRouter()
	other.Use(pw.Handler)
	other.Route("/v1", func(r chi.Router) { r.Mount("/errors", c.DocsHandler()) })

	mux := http.NewServeMux()
	mux.Handle("/problems", c.DocsHandler())
	mux.Handle("/problems/", c.DocsHandler())
	stripped := pw.Handler(http.StripPrefix("/api", mux))

	for _, tt := range []struct {
		name    string
		h       http.Handler
		starts  []string
		prefix  string
		missing string
	}{
		{"README mount", docsRouter(c), []string{"/problems", "/problems/"}, "/problems/", "/problems/a/b/not-found"},
		{"chi Mount under another name", other, []string{"/v1/errors", "/v1/errors/"}, "/v1/errors/", "/v1/errors/x/not-found"},
		{"StripPrefix and ServeMux", stripped, []string{"/api/problems", "/api/problems/"}, "/api/problems/", "/api/problems/x/not-found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, start := range tt.starts {
				for _, accept := range []string{"text/html", "text/markdown"} {
					pages := testkit.Crawl(t, tt.h, start, accept)
					for _, ty := range c.Types() {
						if !pages[tt.prefix+ty.Slug] {
							t.Errorf("from %s (%s), no link reaches %s", start, accept, tt.prefix+ty.Slug)
						}
					}
				}
			}
			if w := get(tt.h, "GET", tt.missing, ""); w.Code != 404 {
				t.Errorf("%s: %d", tt.missing, w.Code)
			}
		})
	}
}

var pre = regexp.MustCompile(`(?s)<pre><code>(.*?)</code></pre>`)

// pageExamples returns the example body of each type page, as the HTML
// page shows it, by slug.
func pageExamples(t *testing.T, h http.Handler, c *problem.Catalog) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, ty := range c.Types() {
		w := get(h, "GET", "/problems/"+ty.Slug, "text/html")
		m := pre.FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatalf("%s: no example", ty.Slug)
		}
		_, body, ok := strings.Cut(html.UnescapeString(m[1]), "\n\n")
		if !ok {
			t.Fatalf("%s: the example is not an HTTP response:\n%s", ty.Slug, m[1])
		}
		out[ty.Slug] = []byte(body)
	}
	return out
}

// The examples are what the writer sends: bodies that RFC 9457's schema
// accepts, with their type's URI and status.
func TestDocsExamplesAreTheWritersBodies(t *testing.T) {
	c := defaultCatalog(t)
	schema := rfc9457Schema(t)
	pw := &problem.Writer{Catalog: c, Logger: slog.New(slog.DiscardHandler),
		RequestID: func(*http.Request) string { return "01JD6X2R4KQ9ZC5T8VBN3MHW7E" }}
	for slug, body := range pageExamples(t, docsRouter(c), c) {
		ty, _ := c.Lookup(slug)
		p := &problem.Problem{}
		if ty.Example != nil {
			p = ty.Example
		}
		p.Type = slug
		w := httptest.NewRecorder()
		pw.Write(w, httptest.NewRequest("GET", "/", nil), p)
		var shown, sent bytes.Buffer
		json.Compact(&shown, body)
		if json.Compact(&sent, w.Body.Bytes()); shown.String() != sent.String() {
			t.Errorf("%s: the page shows\n%s\nthe writer sends\n%s", slug, shown.String(), sent.String())
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", slug, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: the example fails RFC 9457's schema: %v", slug, err)
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		if m["type"] != c.URI(ty) || m["status"] != float64(ty.Status) {
			t.Errorf("%s: example of type %v status %v", slug, m["type"], m["status"])
		}
	}
}

func rfc9457Schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return testkit.ProblemSchema(t, "../testdata/problem.schema.json")
}

// The index tells the formats the serving writer really sends.
func TestDocsIndexFollowsTheWriter(t *testing.T) {
	c := defaultCatalog(t)
	for _, xml := range []bool{false, true} {
		r := chi.NewRouter()
		r.Use((&problem.Writer{Catalog: c, XML: xml}).Handler)
		r.Handle("/problems", c.DocsHandler())
		body := html.UnescapeString(get(r, "GET", "/problems", "").Body.String())
		if strings.Contains(body, "application/problem+xml") != xml {
			t.Errorf("XML %v: the index says otherwise", xml)
		}
	}
}

func TestWriteHTMLAndMarkdownLinkUnderTheBase(t *testing.T) {
	c := problem.NewCatalog("https://api.example.com/problems/")
	c.MustRegister(problem.DefaultTypes()...)
	var h, md bytes.Buffer
	if err := c.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.String(), `<a href="https://api.example.com/problems/not-found">`) ||
		!strings.Contains(md.String(), `(<https://api.example.com/problems/not-found>)`) {
		t.Errorf("static pages do not link under the base:\n%s\n%s", h.String(), md.String())
	}
}

// The JSON index of an empty catalog is still one a client can range over.
func TestDocsJSONOfAnEmptyCatalog(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	w := get(docsRouter(c), "GET", "/problems", "application/json")
	var index struct {
		Success []any `json:"success"`
		Types   []any `json:"types"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &index); w.Code != 200 || err != nil || index.Success == nil || index.Types == nil {
		t.Fatalf("%d %v %s", w.Code, err, w.Body)
	}
}

// Catalog texts are plain text on the Markdown pages, as on the HTML ones:
// a line break in a title does not end its heading, and no line of a
// description starts a list, a rule, a setext heading or a code block;
// tildes do not strike through and entity references are not decoded.
func TestDocsMarkdownKeepsCatalogTextPlain(t *testing.T) {
	c := problem.NewCatalog("/problems/")
	c.MustRegister(problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud\nLocked",
		Description: "- An export holds the cloud:\n---\nuntil ~it~ ends &amp; more.",
		Fix:         "1. Wait.\n\n    Then retry."})
	body := get(docsRouter(c), "GET", "/problems/cloud-locked", "text/markdown").Body.String()
	for _, want := range []string{
		"\n# Cloud Locked\n\n",
		"## When it happens\n\n\\- An export holds the cloud: --- until \\~it\\~ ends \\&amp; more.\n\n",
		"## How to fix it\n\n1\\. Wait. Then retry.\n\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
}
