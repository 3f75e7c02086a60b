// Package chipattern spells the patterns chi.Walk and chi's Find report as
// the path a route serves, for package contract and its test helpers.
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
