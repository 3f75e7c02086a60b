// Package query reads the raw query of a URL one pair at a time, as
// url.ParseQuery splits and unescapes it, for middlewares that look for
// one parameter: ParseQuery builds a map of every pair, which makes a
// query of many small pairs cost tens of times what its bytes do, and it
// drops every pair past the 10,000th.
package query

import (
	"net/url"
	"strings"
)

// Next finds the first pair of the raw query whose key unescapes to name,
// the pairs split as url.ParseQuery splits them, and returns its raw value
// and the query after it. A pair too short to spell name is passed by
// without a look at its key (escapes only lengthen one), so "&&&" costs a
// scan, not a parse per pair.
func Next(raw, name string) (value, rest string, ok bool) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" || len(pair) < len(name) {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		if KeyIs(key, name) {
			return value, raw, true
		}
	}
	return "", "", false
}

// KeyIs reports whether the raw query key unescapes to name. Only a key
// with escapes of name's length is unescaped, so a key costs its bytes.
func KeyIs(key, name string) bool {
	if strings.IndexByte(key, '%') < 0 && strings.IndexByte(key, '+') < 0 {
		return key == name
	}
	if len(key)-2*strings.Count(key, "%") != len(name) { // each escape unescapes to one byte
		return false
	}
	u, err := url.QueryUnescape(key)
	return err == nil && u == name
}
