package auth

import (
	"iter"
	"net/http"
	"strings"
)

// hdrPrivate is the Cache-Control of an answer to a query token when
// nothing set one before.
var hdrPrivate = []string{"private"}

// makePrivate keeps h's answer out of shared caches, as RFC 6750 §2.3 asks
// for one to a token in the URL. A Cache-Control that already does stays
// as it is; any other gets "private" in place of the directives for
// shared caches (public, s-maxage, a private that names fields), and keeps
// the rest: a route's "public, max-age=300" would let a CDN serve the
// answer under the URL, token and all, after the token is revoked, while
// its "no-cache" still binds the browser.
func makePrivate(h http.Header) {
	lines := h["Cache-Control"]
	if lines == nil {
		h["Cache-Control"] = hdrPrivate
		return
	}
	kept := []string{"private"}
	unshared := false
	for _, line := range lines {
		for d := range directives(line) {
			name, _, qualified := strings.Cut(d, "=")
			switch {
			case !qualified && (strings.EqualFold(name, "private") || strings.EqualFold(name, "no-store")):
				unshared = true
			case strings.EqualFold(name, "public"), strings.EqualFold(name, "s-maxage"), strings.EqualFold(name, "private"):
				// for shared caches
			default:
				kept = append(kept, d)
			}
		}
	}
	if !unshared {
		h["Cache-Control"] = []string{strings.Join(kept, ", ")}
	}
}

// directives yields the directives of a Cache-Control line, trimmed and
// not empty. A comma within a quoted argument does not end one.
func directives(line string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start, quoted := 0, false
		for i := 0; i <= len(line); i++ {
			if i < len(line) {
				switch c := line[i]; {
				case c == '\\' && quoted:
					i++
					continue
				case c == '"':
					quoted = !quoted
					continue
				case c != ',' || quoted:
					continue
				}
			}
			if d := strings.Trim(line[start:i], " \t"); d != "" && !yield(d) {
				return
			}
			start = i + 1
		}
	}
}
