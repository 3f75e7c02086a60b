// Package serverurl reads the URL of an OpenAPI server object, for the
// document contract writes and the one contracttest reads: OpenAPI
// appends a document's paths to the path of that URL.
package serverurl

import (
	"net/url"
	"strings"
)

// Split returns the path of the server URL s, each {name} in it replaced
// by defaults[name], without a trailing slash ("" for none), and the URL
// without it, its origin ("/" for a relative one). ok is false when s,
// so filled in, is no URL.
func Split(s string, defaults map[string]string) (path, origin string, ok bool) {
	for name, v := range defaults {
		s = strings.ReplaceAll(s, "{"+name+"}", v)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", "", false
	}
	path = strings.TrimSuffix(u.Path, "/")
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	if origin = u.String(); origin == "" {
		origin = "/"
	}
	return path, origin, true
}

// Origin returns the server URL s up to its path, its {name} parts left
// as they are ("/" for a relative one): the URL of a server at the same
// host as s, whatever the values of the variables there.
func Origin(s string) string {
	host := 0
	if i := strings.Index(s, "://"); i >= 0 {
		host = i + len("://")
	} else if strings.HasPrefix(s, "//") {
		host = len("//")
	}
	end := len(s)
	if i := strings.IndexAny(s[host:], "/?#"); i >= 0 {
		end = host + i
	}
	if end == 0 {
		return "/"
	}
	return s[:end]
}
