package chipattern

import (
	"strings"
	"testing"
)

func TestShapeDropsParameterNames(t *testing.T) {
	for in, want := range map[string]string{
		"/a/{id}/b":        "/a/{}/b",
		"/a/{id}/{slug}":   "/a/{}/{}",
		"/files/{name}.js": "/files/{}.js",
		"/plain":           "/plain",
		"/a/{unclosed":     "/a/{unclosed",
		"/a/{x}/{{{":       "/a/{}/{{{",
		"/{{x}}":           "/{}}",
	} {
		if got := Shape(in); got != want {
			t.Errorf("Shape(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkShape reads paths of one size three ways: plain text, closed
// parameters, and braces no brace closes, which cost a rescan of the rest
// at each '{' before Shape stopped at the first. The hostile shape should
// cost at most a few times the plain one.
func BenchmarkShape(b *testing.B) {
	const n = 64 << 10
	for _, c := range []struct{ name, path string }{
		{"plain", "/" + strings.Repeat("a", n)},
		{"params", "/" + strings.Repeat("{a}", n/3)},
		{"unclosed", "/" + strings.Repeat("{", n)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.path)))
			for b.Loop() {
				Shape(c.path)
			}
		})
	}
}
