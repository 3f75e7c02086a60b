// Package accepttest builds Accept headers of a chosen size in the shapes
// that stress an Accept parser, so that the parser's cost tests and the
// benchmarks of its callers measure the same inputs.
package accepttest

import (
	"strings"
)

// Shape is one way to fill an Accept header: one element, repeated.
type Shape struct {
	Name string
	Elem string
	// Lines puts each element on its own field line instead of joining
	// them with commas on one.
	Lines bool
	// Malformed elements are skipped by the parser, so a header made of
	// them reads as absent: the client accepts anything.
	Malformed bool
}

// Shapes are benign shapes first, then hostile ones. No element accepts
// application/json or text/csv, so a server offering those answers every
// valid shape with 406.
var Shapes = []Shape{
	{Name: "simple", Elem: "text/html;level=1;q=0.5"},
	{Name: "tiny", Elem: "a/b"},
	{Name: "lines", Elem: "image/png;q=0.5", Lines: true},
	{Name: "params32", Elem: "*/*" + params(32, "v")},
	{Name: "params32-padded", Elem: "*/*" + params(32, "v;;;;;;;;")},
	{Name: "params32-quoted", Elem: "*/*" + params(32, `"\"\\\" \\"`)},
	{Name: "params32-repeated", Elem: "*/*" + params(31, "v") + ";paa=v", Malformed: true},
	{Name: "escapes", Elem: `*/*;a="` + strings.Repeat(`\"\\`, 64) + `"`},
}

// Header returns the field lines of an Accept header of about size bytes
// made of s's element.
func (s Shape) Header(size int) []string {
	n := max(1, size/(len(s.Elem)+2))
	if s.Lines {
		lines := make([]string, n)
		for i := range lines {
			lines[i] = s.Elem
		}
		return lines
	}
	return []string{strings.Repeat(s.Elem+", ", n-1) + s.Elem}
}

// params returns n parameters with distinct names, ;paa=value;pba=value...
func params(n int, value string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(";p")
		b.WriteByte(byte('a' + i%26))
		b.WriteByte(byte('a' + i/26))
		b.WriteByte('=')
		b.WriteString(value)
	}
	return b.String()
}
