package problem

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/chiguard/chiguard/internal/accept"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/go-chi/chi/v5"
)

// WriteMarkdown writes the error-codes page as Markdown, linking each type
// to its page under the catalog's base.
func (c *Catalog) WriteMarkdown(w io.Writer) error {
	_, err := io.WriteString(w, markdownIndex(c.docs(c.Base(), nil)))
	return err
}

// WriteHTML writes the error-codes page as a standalone HTML document,
// linking each type to its page under the catalog's base.
func (c *Catalog) WriteHTML(w io.Writer) error {
	return htmlIndex.Execute(w, c.docs(c.Base(), nil))
}

// DocsHandler serves the catalog's docs, so that every type URI under the
// base can be opened: the error-codes page at the base path, and below it
// one page per type, saying when the type is sent, how to fix it, its
// members and headers and an example. Pages are HTML, Markdown for
// clients that ask for text/markdown, or JSON for application/json. Mount
// it at the base path, with and without the trailing slash:
//
//	r.Handle("/problems", c.DocsHandler())
//	r.Handle("/problems/*", c.DocsHandler())
//
// Links are absolute paths under the path the request came by, so they
// work wherever the docs are mounted. Under a chi pattern ending in "/*"
// the wildcard is the type's slug; elsewhere, the index is the path whose
// last segment is the base's and type pages are one segment below it.
// Any other path is a 404 problem.
func (c *Catalog) DocsHandler() http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug, root, ok := c.docsTarget(r)
		if !ok {
			Write(w, r, NotFound("There is no problem documentation at this path."))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			Write(w, r, MethodNotAllowed("The problem docs are read-only.").WithHeader("Allow", "GET, HEAD"))
			return
		}
		h := w.Header()
		accept.Vary(h)
		offer, choice := docOffers.Negotiate(r.Header.Values("Accept"))
		if offer < 0 {
			pw := WriterFrom(r.Context())
			pw.write(w, r, NotAcceptable("The problem docs are available as "+strings.Join(docOfferNames, ", ")+".").
				With("acceptable", docOfferNames), choice.For(pw.XML))
			return
		}
		d := c.docs(root, WriterFrom(r.Context()))
		var one *typeDoc
		for i := range d.Types {
			if d.Types[i].Slug == slug {
				one = &d.Types[i]
			}
		}
		var b bytes.Buffer
		switch offer {
		case 0:
			h.Set("Content-Type", "text/html; charset=utf-8")
			if one != nil {
				htmlType.Execute(&b, one)
			} else {
				htmlIndex.Execute(&b, d)
			}
		case 1:
			h.Set("Content-Type", "text/markdown; charset=utf-8")
			if one != nil {
				b.WriteString(markdownType(one))
			} else {
				b.WriteString(markdownIndex(d))
			}
		case 2:
			h.Set("Content-Type", "application/json")
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			if one != nil {
				enc.Encode(one)
			} else {
				enc.Encode(jsonIndex{Success: append([]SuccessStatus{}, d.Success...), Types: append([]typeDoc{}, d.Types...)})
			}
		}
		h.Set("Cache-Control", "public, max-age=3600")
		if r.Method != http.MethodHead {
			w.Write(b.Bytes())
		}
	}), describeDocs)
}

var (
	docOffers = accept.NewOffers(
		accept.MustParseMediaType("text/html"),
		accept.MustParseMediaType("text/markdown"),
		accept.MustParseMediaType("application/json"),
	)
	docOfferNames = []string{"text/html", "text/markdown", "application/json"}
)

// jsonIndex is the error-codes page as JSON.
type jsonIndex struct {
	Success []SuccessStatus `json:"success"`
	Types   []typeDoc       `json:"types"`
}

// docsTarget finds what r asks for: the index (slug "") or a type's page,
// and root, the path of the index as the client sent it, ending in "/".
func (c *Catalog) docsTarget(r *http.Request) (slug, root string, ok bool) {
	rest, routed := chiRest(r)
	if !routed {
		index := c.indexName()
		p := strings.TrimSuffix(r.URL.Path, "/")
		switch {
		case p != "" && path.Base(path.Dir(p)) == index && isSlug(path.Base(p)):
			rest = path.Base(p)
		case path.Base(p) == index, index == "/" && p == "":
		default:
			return "", "", false
		}
	}
	rest = strings.TrimSuffix(rest, "/")
	if rest != "" {
		if _, known := c.load().bySlug[rest]; !known || !isSlug(rest) {
			return "", "", false
		}
	}
	root = strings.TrimSuffix(requestPath(r), "/")
	if rest != "" {
		cut, found := strings.CutSuffix(root, "/"+rest)
		if !found {
			return "", "", false
		}
		root = cut
	}
	// A path starting with "//" would make every link point to another
	// host: so would the docs at the root, were "/" given a second slash.
	root = "/" + strings.TrimLeft(root, "/")
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	return rest, root, true
}

// chiRest returns the part of the path below the docs' mount point, when
// chi routed r by a pattern that tells it: the segments past a pattern
// ending in "/*", or nothing for a pattern without parameters.
func chiRest(r *http.Request) (rest string, ok bool) {
	rc := chi.RouteContext(r.Context())
	if rc == nil {
		return "", false
	}
	pattern := rc.RoutePattern()
	mount, wildcard := strings.CutSuffix(pattern, "/*")
	if !wildcard {
		return "", pattern != "" && !strings.ContainsAny(pattern, "{*")
	}
	n := strings.Count(mount, "/")
	segments := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", n+1)
	if len(segments) <= n {
		return "", true
	}
	return segments[n], true
}

// indexName is the last segment of the base's path: "problems" for
// "/problems/", or "/" for a base at the root ("https://docs.example.com/"),
// whose type pages are one segment below "/".
func (c *Catalog) indexName() string {
	p := c.Base()
	if u, err := url.Parse(p); err == nil {
		p = u.Path
	}
	if p = strings.TrimSuffix(p, "/"); p == "" {
		return "/"
	}
	return path.Base(p)
}

// requestPath is the path the client sent, before any prefix was
// stripped, as the links must name it.
func requestPath(r *http.Request) string {
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
			p := u.EscapedPath()
			if strings.HasSuffix(strings.TrimSuffix(p, "/"), strings.TrimSuffix(r.URL.EscapedPath(), "/")) {
				return p
			}
		}
	}
	return r.URL.EscapedPath()
}
