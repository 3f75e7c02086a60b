package problem

import (
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
)

func (pw *Writer) describe() describe.Middleware {
	c := pw.Catalog
	if c == nil {
		c = DefaultCatalog
	}
	return describe.Middleware{Name: "problem.Writer.Handler", Writer: &describe.Writer{Catalog: c, XML: pw.XML}}
}

func describeDocs() describe.Middleware {
	return describe.Middleware{Name: "problem.Catalog.DocsHandler", Methods: []string{http.MethodGet, http.MethodHead},
		Responses: []describe.Response{
			{Status: http.StatusOK, Detail: "the error-codes page, or a problem type's page, in HTML, Markdown or JSON as Accept asks",
				Headers: []string{"Cache-Control", "Vary"}, MediaTypes: []string{"text/html", "text/markdown", "application/json"}},
			{Status: http.StatusNotFound, Type: TypeNotFound, Detail: "no problem type is documented at the path"},
			{Status: http.StatusMethodNotAllowed, Type: TypeMethodNotAllowed, Headers: []string{"Allow"},
				Detail: "the method is neither GET nor HEAD"},
			{Status: http.StatusNotAcceptable, Type: TypeNotAcceptable, Detail: "Accept names no format the docs are in"},
		}}
}
