package middleware

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// BenchmarkHostileIfNoneMatch serves GETs with 1 MB If-None-Match and
// If-Match headers of each shape through Conditional, to a handler whose
// ETag none of them names: a 200 for If-None-Match, a 412 problem for
// If-Match (but for the shapes without an element, which count as no
// header). Each op reads the request from its wire bytes, as a server
// would; "ignored" sends the same bytes under another field name, and
// "tags", a list of ordinary tags, is the benign shape. A shape should
// cost at most a few times its ignored twin.
func BenchmarkHostileIfNoneMatch(b *testing.B) {
	h := Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"current"`)
		w.Write([]byte("ok"))
	}))
	const size = 1 << 20
	fill := func(s string) []string { return []string{strings.Repeat(s, size/len(s))} }
	shapes := []struct {
		name  string
		lines []string
	}{
		{"tags", fill(`"0123456789abcdef", `)},
		{"tag-lines", slices.Repeat([]string{`"0123456789abcdef"`}, size/len(`"0123456789abcdef"`))},
		{"commas", fill(",")},
		{"spaces", fill(" \t")},
		{"garbage", fill("x,")},
		{"unterminated", []string{`"` + strings.Repeat("a,", size/2)}},
		{"quoted-commas", fill(`"a,`)},
		{"weak-prefixes", fill("W/")},
		{"weak-tags", fill(`W/"a"x,`)},
		{"stars", fill("*x,")},
	}
	empty := map[string]bool{"commas": true, "spaces": true} // no element: If-Match counts as absent
	for _, s := range shapes {
		for _, field := range []string{"If-None-Match", "If-Match", "X-Ignored"} {
			raw := rawRequest(field, s.lines)
			want := http.StatusOK
			if field == "If-Match" && !empty[s.name] {
				want = http.StatusPreconditionFailed
			}
			b.Run(s.name+"/"+strings.ToLower(field), func(b *testing.B) { serveWire(b, h, raw, want) })
		}
	}
}
