package auth

import (
	"net/http"
	"strings"
)

// hdrPrivate is the Cache-Control of an answer to a query token.
var hdrPrivate = []string{"private"}

// makePrivate keeps h's answer out of shared caches, as RFC 6750 §2.3 asks
// for one to a token in the URL: a Cache-Control that already does stays
// (the handler's choice, or a middleware's before Authenticate), any other
// becomes "private". A "public, max-age=300" set for the route would let
// a CDN serve the answer under the URL, token and all, after the token is
// revoked.
func makePrivate(h http.Header) {
	if !unshared(h["Cache-Control"]) {
		h["Cache-Control"] = hdrPrivate
	}
}

// unshared reports whether Cache-Control lines hold a bare "private" or
// "no-store": a "private" that names fields leaves the rest shareable.
// Commas within quoted arguments do not end a directive.
func unshared(lines []string) bool {
	for _, line := range lines {
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
			d := strings.Trim(line[start:i], " \t")
			if strings.EqualFold(d, "private") || strings.EqualFold(d, "no-store") {
				return true
			}
			start = i + 1
		}
	}
	return false
}
