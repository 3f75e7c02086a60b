package problem

import (
	"bytes"
	"cmp"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A docs page is built from the catalog into these values, then rendered
// as HTML, Markdown or JSON: the three always say the same.

// indexDoc is the error-codes page.
type indexDoc struct {
	Formats string // the media types problems are sent as, in words
	Members []schemaRow
	Headers []schemaRow
	Success []SuccessStatus
	Types   []typeDoc
}

// typeDoc is one type, as its page and the index show it.
type typeDoc struct {
	Slug        string `json:"slug"`
	URI         string `json:"type"`
	Status      int    `json:"status"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Fix         string `json:"fix,omitempty"`
	Page        string `json:"docs"` // the path of its docs page

	Members []memberDoc     `json:"members"`
	Headers []memberDoc     `json:"headers"`
	Example json.RawMessage `json:"example"`

	External    bool        `json:"-"` // the type URI is not under the base
	Index       string      `json:"-"` // the path of the index
	FirstOfCode bool        `json:"-"` // the first type of its status: the row carries the anchor
	Rows        []schemaRow `json:"-"` // the members table: standard members, then extensions and their parts
	HeaderRows  []schemaRow `json:"-"`
	Response    string      `json:"-"` // the example as an HTTP response
}

// memberDoc is a member or header in the JSON docs.
type memberDoc struct {
	Name        string          `json:"name"`
	Schema      json.RawMessage `json:"schema"`
	Description string          `json:"description,omitempty"`
	Always      bool            `json:"always"`
}

// StatusText is the status's reason phrase, for headings.
func (d *typeDoc) StatusText() string { return http.StatusText(d.Status) }

// Anchor is the id of the status's row on the index.
func (d *typeDoc) Anchor() string { return strconv.Itoa(d.Status) }

// example is the response the Writer sends for a type's example.
type example struct {
	status int
	header http.Header
	body   []byte
}

// exampleRequestID stands for the request ID in examples.
const exampleRequestID = "01JD6X2R4KQ9ZC5T8VBN3MHW7E"

// renderExamples renders every type's example once per catalog state, with a
// Writer that has this state as its catalog and logs and alerts nothing.
func (s *catalogState) renderExamples(base string) []example {
	s.examples.Do(func() {
		snap := &Catalog{base: base}
		snap.state.Store(s)
		pw := &Writer{Catalog: snap, Logger: slog.New(slog.DiscardHandler),
			RequestID: func(*http.Request) string { return exampleRequestID }}
		req, _ := http.NewRequest(http.MethodGet, "/", nil)
		s.exampleCache = make([]example, len(s.types))
		for i := range s.types {
			t := &s.types[i]
			p := &Problem{}
			if t.Example != nil {
				*p = *t.Example
			}
			p.Type, p.Status, p.def = t.Slug, t.Status, 0
			rec := &exampleRecorder{header: http.Header{}}
			pw.Write(rec, req, p)
			s.exampleCache[i] = example{status: rec.status, header: rec.header, body: rec.body.Bytes()}
		}
	})
	return s.exampleCache
}

// exampleRecorder is the ResponseWriter examples are written to.
type exampleRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *exampleRecorder) Header() http.Header         { return r.header }
func (r *exampleRecorder) WriteHeader(status int)      { r.status = status }
func (r *exampleRecorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// response renders an example as the HTTP response a client reads, with
// the body indented.
func (e example) response(names map[string]string) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(e.status) + " " + http.StatusText(e.status) + "\n")
	keys := make([]string, 0, len(e.header))
	for k := range e.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if n, ok := names[strings.ToLower(k)]; ok {
			name = n
		}
		for _, v := range e.header[k] {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	var body bytes.Buffer
	if json.Indent(&body, e.body, "", "  ") != nil {
		body.Reset()
		body.Write(e.body)
	}
	b.Write(body.Bytes())
	return b.String()
}

// headerSpelling maps lower-case field names to the spelling their
// specifications use, where Go's canonical form differs.
var headerSpelling = map[string]string{
	"www-authenticate": "WWW-Authenticate",
	"ratelimit":        "RateLimit",
	"ratelimit-policy": "RateLimit-Policy",
}

// docs builds the pages' content; root is the path of the index, ending
// in "/", and pw the writer whose formats the index describes (nil: the
// default JSON ones).
func (c *Catalog) docs(root string, pw *Writer) indexDoc {
	s := c.load()
	base := c.Base()
	ex := s.renderExamples(base)
	formats := "application/problem+json, or application/json for a client that accepts only that"
	if pw != nil && pw.XML {
		formats = "application/problem+json, or application/problem+xml (RFC 9457 Appendix B) for a client that prefers it, " +
			"or application/json or application/xml for a client that accepts only those"
	}
	d := indexDoc{
		Formats: formats,
		Members: standardRows(nil),
		Headers: []schemaRow{
			{Name: "Content-Type", Kind: "string", Always: true, Description: "The problem's media type."},
			{Name: "Cache-Control", Kind: "string", Always: true, Description: "no-store: an error is never served from a cache."},
			{Name: "Vary", Kind: "string", Always: true, Description: "Accept: the format depends on the request's Accept header."},
			{Name: "Connection", Kind: "string", Description: "close, when the API answered before reading the whole request body " +
				"(HTTP/1.1): the connection ends with this response."},
		},
		Success: append([]SuccessStatus(nil), s.success...),
	}
	// The page lists types by status, as an error-codes page does, and
	// in registration order within a status: a type the API adds after
	// DefaultTypes sits with the others of its status, not at the end.
	order := make([]int, len(s.types))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(s.types[a].Status, s.types[b].Status) })
	seen := map[int]bool{}
	for _, i := range order {
		t := &s.types[i]
		td := typeDoc{
			Slug: t.Slug, URI: typeURI(base, t), Status: t.Status, Title: t.Title,
			Description: t.Description, Fix: t.Fix, Page: root + t.Slug, Index: root,
			FirstOfCode: !seen[t.Status],
			External:    t.URI != "",
			Members:     []memberDoc{},
			Headers:     []memberDoc{},
			Example:     json.RawMessage(ex[i].body),
		}
		seen[t.Status] = true
		td.Rows = standardRows(&td)
		names := map[string]string{}
		for k, v := range headerSpelling {
			names[k] = v
		}
		for _, m := range t.Members {
			td.Members = append(td.Members, memberDoc{Name: m.Name, Schema: rawSchema(m.Schema), Description: m.Description, Always: m.Always})
			sch, _ := parseSchema(m.Schema)
			td.Rows = append(td.Rows, schemaRow{Name: m.Name, Kind: schemaKind(sch), Description: m.Description, Always: m.Always})
			td.Rows = append(td.Rows, schemaRows(m.Name, sch)...)
		}
		for _, h := range t.Headers {
			td.Headers = append(td.Headers, memberDoc{Name: h.Name, Schema: rawSchema(h.Schema), Description: h.Description, Always: h.Always})
			kind := "string"
			if h.Schema != "" {
				sch, _ := parseSchema(h.Schema)
				kind = schemaKind(sch)
			}
			td.HeaderRows = append(td.HeaderRows, schemaRow{Name: h.Name, Kind: kind, Description: h.Description, Always: h.Always})
			names[strings.ToLower(h.Name)] = h.Name
		}
		td.Response = ex[i].response(names)
		d.Types = append(d.Types, td)
	}
	return d
}

// standardRows describes the members of RFC 9457: in general for the
// index, or as a type sends them.
func standardRows(t *typeDoc) []schemaRow {
	rows := []schemaRow{
		{Name: "type", Kind: "string (uri-reference)", Always: true,
			Description: "Identifies the problem type: compare it as a string to tell problems apart. " +
				"The table below links each type to its page."},
		{Name: "title", Kind: "string", Always: true,
			Description: "A short summary of the type, the same for every occurrence."},
		{Name: "status", Kind: "integer", Always: true, Description: "The HTTP status code of the response."},
		{Name: "detail", Kind: "string",
			Description: "What went wrong in this occurrence, for the developer to read; it may differ between occurrences."},
		{Name: "instance", Kind: "string (uri-reference)",
			Description: "Identifies this occurrence: quote it when you report a problem."},
	}
	if t != nil {
		rows[0].Description = "Always " + t.URI + "."
		rows[1].Description = "The type's title: " + t.Title + "."
		rows[2].Description = "Always " + strconv.Itoa(t.Status) + "."
	}
	return rows
}
