package contract

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/accept"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/docstyle"
	"github.com/chiguard/chiguard/problem"
)

// docRoute is a route as the docs page shows it.
type docRoute struct {
	Route
	Credentials string
	Limits      []string
	Produces    string
	Params      []string
	Query       []string
	BodyDoc     string
}

func (c *Contract) docRoutes() []docRoute {
	var out []docRoute
	for _, r := range c.Routes {
		if r.Concealed {
			continue
		}
		f := facts(r)
		d := docRoute{Route: r, Credentials: f.credentials + ".", Limits: f.limits, Produces: f.produces}
		switch {
		case f.credentials == "":
			d.Credentials = "None."
		case r.Anonymous:
			d.Credentials = "None, or " + f.credentials + "."
		case r.Kind != "":
			d.Credentials = f.credentials + "; " + article(r.Kind) + " " + r.Kind + "'s only."
		}
		// In the words of the OpenAPI document: the Go types are the
		// server's own, and mean nothing to a client.
		for _, p := range r.Parameters {
			d.Params = append(d.Params, p.Name+" ("+schemaWord(p.Schema)+")")
		}
		for _, p := range r.Query {
			d.Query = append(d.Query, p.Name+" ("+schemaWord(p.Schema)+")")
		}
		if b := r.Body; b != nil {
			d.BodyDoc = strings.Join(b.MediaTypes, ", ") + ", at most " + size(b.MaxBytes) + "."
		}
		out = append(out, d)
	}
	return out
}

// docMounts are the mounts the docs page shows: those whose unknown
// paths get answers a client can tell from the root's, unless concealed.
func (c *Contract) docMounts() []Mount {
	var out []Mount
	for _, m := range c.Mounts {
		if !m.Concealed && !sameAnswers(m.Unrouted, c.Unrouted) {
			out = append(out, m)
		}
	}
	return out
}

// sameAnswers reports whether a and b list the same statuses, types and
// headers.
func sameAnswers(a, b []Response) bool {
	return slices.EqualFunc(a, b, func(x, y Response) bool {
		return x.Status == y.Status && x.Type == y.Type && slices.Equal(x.Headers, y.Headers)
	})
}

// whens joins the causes of a response.
func whens(r Response) string {
	var ws []string
	for _, c := range r.Causes {
		w := c.Middleware
		switch {
		case c.Middleware == declaredBy:
			w = c.When // the API's own words, about its handler, if any
		case c.When != "":
			w += ": " + c.When
		}
		if w != "" {
			ws = append(ws, w)
		}
	}
	return strings.Join(ws, "; ")
}

// WriteMarkdown writes the routes page as Markdown: per route, what it
// needs and every answer it can give. Concealed routes are left out.
func (c *Contract) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Routes\n\nWhat each route needs, and every answer it can give. Each problem type links to its documentation.\n")
	for _, r := range c.docRoutes() {
		fmt.Fprintf(&b, "\n## %s %s\n\nCredentials: %s\n", r.Method, mdCell(r.Pattern), mdCell(r.Credentials))
		for _, l := range r.Limits {
			fmt.Fprintf(&b, "\n%s\n", mdCell(l))
		}
		if r.Produces != "" {
			fmt.Fprintf(&b, "\nAnswers in %s.\n", mdCell(r.Produces))
		}
		if len(r.Params) > 0 {
			fmt.Fprintf(&b, "\nPath parameters: %s.\n", mdCell(strings.Join(r.Params, ", ")))
		}
		if len(r.Query) > 0 {
			fmt.Fprintf(&b, "\nQuery parameters: %s.\n", mdCell(strings.Join(r.Query, ", ")))
		}
		if r.BodyDoc != "" {
			fmt.Fprintf(&b, "\nBody: %s\n", mdCell(r.BodyDoc))
		}
		writeMarkdownAnswers(&b, r.Responses)
	}
	b.WriteString("\n## Any other path\n")
	writeMarkdownAnswers(&b, c.Unrouted)
	for _, m := range c.docMounts() {
		fmt.Fprintf(&b, "\n## Any other path below %s\n", mdCell(m.Pattern))
		writeMarkdownAnswers(&b, m.Unrouted)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownAnswers(b *strings.Builder, rs []Response) {
	b.WriteString("\n| Status | Type | Title | When | Headers |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rs {
		typ := ""
		if r.Type != "" {
			typ = "`" + mdCell(r.Type) + "`"
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s |\n", r.Status, typ, mdCell(r.Title), mdCell(whens(r)),
			mdCell(strings.Join(r.Headers, ", ")))
	}
}

func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

var routesTemplate = template.Must(template.New("routes").Funcs(template.FuncMap{
	"whens": whens, "join": strings.Join, "style": func() template.HTML { return docstyle.Style },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Routes</title>
{{style}}
</head><body>
<nav><a href="{{.Errors}}">Error codes</a></nav>
<h1>Routes</h1>
<p>What each route needs, and every answer it can give. Each problem type links to its documentation.</p>
{{- define "answers"}}
<table>
<thead><tr><th class="status">Status</th><th>Answer</th><th>When</th><th>Headers</th></tr></thead>
<tbody>
{{range .}}<tr><td data-label="Status" class="status">{{.Status}}</td><td data-label="Answer">{{.Title}}{{if .Type}}<a class="type-uri" href="{{.Type}}"><code>{{.Type}}</code></a>{{end}}</td><td data-label="When">{{whens .}}</td><td data-label="Headers">{{range $i, $h := .Headers}}{{if $i}}, {{end}}<span class="nowrap">{{$h}}</span>{{end}}</td></tr>
{{end}}</tbody></table>
{{- end}}
{{range .Routes}}
<h2><code>{{.Method}} {{.Pattern}}</code></h2>
<dl class="facts">
<dt>Credentials</dt><dd>{{.Credentials}}</dd>
{{- if .Limits}}
<dt>Rate limits</dt><dd>{{range $i, $l := .Limits}}{{if $i}}<br>{{end}}{{$l}}{{end}}</dd>
{{- end}}
{{- if .Produces}}
<dt>Answers in</dt><dd>{{.Produces}}</dd>
{{- end}}
{{- if .Params}}
<dt>Path parameters</dt><dd>{{join .Params ", "}}</dd>
{{- end}}
{{- if .Query}}
<dt>Query parameters</dt><dd>{{join .Query ", "}}</dd>
{{- end}}
{{- if .BodyDoc}}
<dt>Body</dt><dd>{{.BodyDoc}}</dd>
{{- end}}
</dl>
{{template "answers" .Responses}}
{{end}}
<h2>Any other path</h2>
{{template "answers" .Unrouted}}
{{range .Mounts}}
<h2>Any other path below <code>{{.Pattern}}</code></h2>
{{template "answers" .Unrouted}}
{{end}}</body></html>
`))

// WriteHTML writes the routes page as a standalone HTML document, in the
// style of the catalog's error-codes page. Concealed routes are left out.
func (c *Contract) WriteHTML(w io.Writer) error {
	errors := problem.DefaultBase
	if c.Catalog != nil {
		errors = c.Catalog.Base()
	}
	return routesTemplate.Execute(w, struct {
		Errors   string
		Routes   []docRoute
		Unrouted []Response
		Mounts   []Mount
	}{errors, c.docRoutes(), c.Unrouted, c.docMounts()})
}

// RoutesHandler serves the routes page of router: HTML, or Markdown to
// clients that prefer text/markdown. The contract is read on the first
// request, when the router is complete:
//
//	r.Handle("/routes", contract.RoutesHandler(r))
func RoutesHandler(router chi.Routes) http.Handler {
	pages := sync.OnceValues(func() ([2][]byte, error) {
		c := Of(router)
		var html, md strings.Builder
		if err := c.WriteHTML(&html); err != nil {
			return [2][]byte{}, err
		}
		if err := c.WriteMarkdown(&md); err != nil {
			return [2][]byte{}, err
		}
		return [2][]byte{[]byte(html.String()), []byte(md.String())}, nil
	})
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !readOnly(w, r) {
			return
		}
		p, err := pages()
		if err != nil {
			problem.Write(w, r, problem.InternalServerError("").WithCause(err))
			return
		}
		h := w.Header()
		accept.Vary(h)
		h.Set("Cache-Control", "public, max-age=3600")
		i := accept.Negotiate(r.Header.Values("Accept"), docOffers)
		switch i {
		case 0:
			h.Set("Content-Type", "text/html; charset=utf-8")
		case 1:
			h.Set("Content-Type", "text/markdown; charset=utf-8")
		default:
			problem.Write(w, r, problem.NotAcceptable("The routes page is available as text/html and text/markdown.").
				With("acceptable", []string{"text/html", "text/markdown"}))
			return
		}
		if r.Method != http.MethodHead {
			w.Write(p[i])
		}
	}), describeDocs)
}

func describeDocs() describe.Middleware {
	return describe.Middleware{Name: "contract.RoutesHandler", Methods: readMethods, Responses: []describe.Response{
		{Status: http.StatusOK, Detail: "the routes page, in HTML or Markdown as Accept asks", Headers: []string{"Cache-Control", "Vary"},
			MediaTypes: []string{"text/html", "text/markdown"}},
		methodNotAllowed,
		{Status: http.StatusNotAcceptable, Type: problem.TypeNotAcceptable, Detail: "Accept names neither text/html nor text/markdown"},
	}}
}

var (
	readMethods      = []string{http.MethodGet, http.MethodHead}
	methodNotAllowed = describe.Response{Status: http.StatusMethodNotAllowed, Type: problem.TypeMethodNotAllowed,
		Headers: []string{"Allow"}, Detail: "the method is neither GET nor HEAD"}
)

// readOnly answers requests other than GET and HEAD with a 405, and
// reports whether r is one of those.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	problem.Write(w, r, problem.MethodNotAllowed("This document is read-only.").WithHeader("Allow", "GET, HEAD"))
	return false
}

var docOffers = []accept.MediaType{
	accept.MustParseMediaType("text/html"),
	accept.MustParseMediaType("text/markdown"),
}

// schemaWord is the JSON Schema type of a parameter: "integer", "string";
// of the first of several checks, which all apply.
func schemaWord(schema json.RawMessage) string {
	var s struct {
		Type  any               `json:"type"`
		AllOf []json.RawMessage `json:"allOf"`
	}
	json.Unmarshal(schema, &s)
	if t, ok := s.Type.(string); ok {
		return t
	}
	if len(s.AllOf) > 0 {
		return schemaWord(s.AllOf[0])
	}
	return "string"
}

// size writes a byte count as people read it: "1 MiB", "64 KiB", "100 bytes".
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
