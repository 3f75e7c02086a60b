package problem

import "github.com/chiguard/chiguard/internal/describe"

func (pw *Writer) describe() describe.Middleware {
	c := pw.Catalog
	if c == nil {
		c = DefaultCatalog
	}
	return describe.Middleware{Name: "problem.Writer.Handler", Writer: &describe.Writer{Catalog: c}}
}
