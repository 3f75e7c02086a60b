package problem

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/chiguard/chiguard/internal/accept"
)

// entry is a type as the docs show it, with its type URI resolved.
type entry struct {
	URI         string `json:"type"`
	Status      int    `json:"status"`
	Title       string `json:"title"`
	Description string `json:"description"`
	slug        string
}

func (c *Catalog) entries() []entry {
	ts := c.types()
	es := make([]entry, len(ts))
	for i, t := range ts {
		es[i] = entry{URI: c.URI(t), Status: t.Status, Title: t.Title, Description: t.Description, slug: t.Slug}
	}
	return es
}

// WriteMarkdown writes the error-codes page as Markdown: the success
// statuses, then every problem type with its status, type URI and
// description.
func (c *Catalog) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Error codes\n\n")
	b.WriteString("The API answers with standard HTTP status codes. Every error is an RFC 9457 problem " +
		"(`application/problem+json`) whose `type` names one of the entries below.\n\n")
	b.WriteString("## Success codes\n\n| Status code | Description |\n| --- | --- |\n")
	for _, s := range SuccessStatuses() {
		fmt.Fprintf(&b, "| %d | %s |\n", s.Status, mdCell(s.Description))
	}
	b.WriteString("\n## Error codes\n\n| Status code | Type | Title | Description |\n| --- | --- | --- | --- |\n")
	for _, e := range c.entries() {
		fmt.Fprintf(&b, "| %d | `%s` | %s | %s |\n", e.Status, mdCell(e.URI), mdCell(e.Title), mdCell(e.Description))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell keeps text inside one Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Heading}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>{{.Heading}}</h1>
{{- if .One}}{{with .One}}
<p><strong>Status:</strong> {{.Status}}</p>
<p><strong>Type:</strong> <code>{{.URI}}</code></p>
<p>{{.Description}}</p>
{{end}}<p><a href="./">All error codes</a></p>
{{- else}}
<p>The API answers with standard HTTP status codes. Every error is an RFC 9457 problem
(<code>application/problem+json</code>) whose <code>type</code> names one of the entries below.</p>
<h2>Success codes</h2>
<table><tr><th>Status code</th><th>Description</th></tr>
{{range .Success}}<tr><td>{{.Status}}</td><td>{{.Description}}</td></tr>
{{end}}</table>
<h2>Error codes</h2>
<table><tr><th>Status code</th><th>Type</th><th>Title</th><th>Description</th></tr>
{{range .Types}}<tr><td>{{.Status}}</td><td>{{if .Link}}<a href="{{.Link}}"><code>{{.URI}}</code></a>{{else}}<code>{{.URI}}</code>{{end}}</td><td>{{.Title}}</td><td>{{.Description}}</td></tr>
{{end}}</table>
{{- end}}
</body></html>
`))

type htmlEntry struct {
	entry
	Link string
}

type htmlPage struct {
	Heading string
	One     *entry
	Success []SuccessStatus
	Types   []htmlEntry
}

// WriteHTML writes the error-codes page as a standalone HTML document.
func (c *Catalog) WriteHTML(w io.Writer) error {
	return pageTemplate.Execute(w, c.indexPage())
}

func (c *Catalog) indexPage() htmlPage {
	p := htmlPage{Heading: "Error codes", Success: SuccessStatuses()}
	for _, e := range c.entries() {
		link := e.URI
		if e.slug != "" {
			link = e.slug // relative to the index, wherever it is mounted
		} else if u, err := url.Parse(e.URI); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			link = ""
		}
		p.Types = append(p.Types, htmlEntry{entry: e, Link: link})
	}
	return p
}

// Handler serves the catalog so every type URI can be opened: the index at
// the base path (any path whose last segment is the base's last segment)
// and one page per slug below it, as HTML, or as JSON for clients that
// prefer application/json. Mount it at the base path, e.g.
//
//	r.Handle("/problems", c.Handler())
//	r.Handle("/problems/*", c.Handler())
func (c *Catalog) Handler() http.Handler {
	indexName := "problems"
	if u, err := url.Parse(c.base); err == nil {
		indexName = path.Base(strings.TrimSuffix(u.Path, "/"))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			Write(w, r, MethodNotAllowed("The problem docs are read-only.").WithHeader("Allow", "GET, HEAD"))
			return
		}
		last := path.Base(strings.TrimSuffix(r.URL.Path, "/"))
		var one *entry
		if t, ok := c.lookup(last); ok && t.Slug == last {
			one = &entry{URI: c.URI(*t), Status: t.Status, Title: t.Title, Description: t.Description, slug: t.Slug}
		} else if last != indexName {
			Write(w, r, NotFound("There is no problem type named "+strconv.Quote(last)+"."))
			return
		}
		h := w.Header()
		accept.Vary(h)
		h.Set("Cache-Control", "public, max-age=3600")
		i, choice := docOffers.Negotiate(r.Header.Values("Accept"))
		switch i {
		case 0:
			h.Set("Content-Type", "text/html; charset=utf-8")
			page := c.indexPage()
			if one != nil {
				page = htmlPage{Heading: fmt.Sprintf("%d %s", one.Status, one.Title), One: one}
			}
			if r.Method != http.MethodHead {
				pageTemplate.Execute(w, page)
			}
		case 1:
			h.Set("Content-Type", "application/json")
			var v any = struct {
				Types []entry `json:"types"`
			}{c.entries()}
			if one != nil {
				v = one
			}
			if r.Method != http.MethodHead {
				json.NewEncoder(w).Encode(v)
			}
		default:
			pw := WriterFrom(r.Context())
			pw.write(w, r, NotAcceptable("The problem docs are available as text/html and application/json.").
				With("acceptable", []string{"text/html", "application/json"}), choice.For(pw.XML))
		}
	})
}

var docOffers = accept.NewOffers(
	accept.MustParseMediaType("text/html"),
	accept.MustParseMediaType("application/json"),
)
