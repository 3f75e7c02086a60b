// Package chipattern spells the patterns chi.Walk and chi's Find report as
// the path a route serves, and compares path templates as OpenAPI does,
// for package contract and its test helpers.
package chipattern

import "strings"

// Path joins the "/*/" of mounts: a subrouter's "/" route is its mount's
// path, as chi.Context.RoutePattern says, but a route registered with a
// trailing slash keeps it, since chi serves that path only ("/items/" and
// "/items" are two routes, which RoutePattern spells alike).
func Path(p string) string {
	mountRoot := strings.HasSuffix(p, "/*/") || strings.HasSuffix(p, "/*//")
	for strings.Contains(p, "/*/") {
		p = strings.ReplaceAll(p, "/*/", "/")
	}
	if p != "/" {
		p = strings.TrimSuffix(p, "//")
		if mountRoot {
			p = strings.TrimSuffix(p, "/")
		}
	}
	return p
}

// Mount spells the chi pattern of a mount ("/cloud/*/{id}/*", as chi.Walk
// and chi.Context.RoutePatterns report it) as the path the router is
// mounted at ("/cloud/{id}"); "" for "", the root.
func Mount(p string) string {
	if p == "" {
		return ""
	}
	p = strings.TrimSuffix(Path(p), "*")
	if p != "/" {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// Shape drops the names of an OpenAPI path template's parameters:
// "/a/{id}/b" and "/a/{slug}/b" are one path to OpenAPI.
func Shape(template string) string {
	var b strings.Builder
	for i := 0; i < len(template); i++ {
		if template[i] == '{' {
			end := strings.IndexByte(template[i:], '}')
			if end < 0 {
				b.WriteString(template[i:]) // no brace closes: not looking again keeps this linear
				break
			}
			b.WriteString("{}")
			i += end
			continue
		}
		b.WriteByte(template[i])
	}
	return b.String()
}

// ClosingBrace returns the index of the '}' that closes the '{' at
// pattern[open], a parameter's regexp braces counted ("{id:[0-9]{3}}"),
// or len(pattern).
func ClosingBrace(pattern string, open int) int {
	depth := 0
	for i := open; i < len(pattern); i++ {
		switch pattern[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(pattern)
}
