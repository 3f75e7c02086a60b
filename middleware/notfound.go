package middleware

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/problem"
)

// NotFound answers 404 with a problem. Install it on the root router with
// r.NotFound(middleware.NotFound); chi passes it on to subrouters mounted
// later that set none of their own.
func NotFound(w http.ResponseWriter, r *http.Request) {
	problem.Write(w, r, notFoundProblem)
}

var notFoundProblem = problem.NotFound("")

// MethodNotAllowed answers 405 with a problem and an Allow header listing
// the methods the route serves (RFC 9110 §15.5.6), as AllowedMethods
// computes them. Install it with r.MethodNotAllowed(middleware.MethodNotAllowed);
// chi passes it on to subrouters like NotFound.
//
// When no method is served at the path (chi also calls this handler for a
// method it does not know, whatever the path), it answers 404 instead: a
// 405 with an empty Allow would tell the client the resource exists.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	allowed := AllowedMethods(r)
	if len(allowed) == 0 {
		problem.Write(w, r, notFoundProblem)
		return
	}
	list := strings.Join(allowed, ", ")
	problem.Write(w, r, problem.MethodNotAllowed("The method "+r.Method+" is not allowed here; use "+list+".").
		WithHeader("Allow", list))
}

// routedMethods are the methods AllowedMethods tries, in the order Allow
// lists them. chi keeps the methods registered with chi.RegisterMethod to
// itself, so those are never listed.
var routedMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, "QUERY", http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// AllowedMethods returns the methods the request's chi router serves at the
// request's path, walking mounted subrouters (chi does not expose the list
// it found while routing). HEAD is included when GET is served, since
// HeadAsGet (or chi's GetHead) routes HEAD to GET handlers; it is left out
// when the request itself is a HEAD that reached a 405, which shows that
// neither is in use. The result is nil outside a chi router.
func AllowedMethods(r *http.Request) []string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || rctx.Routes == nil {
		return nil
	}
	path := routingPath(r)
	var m routeMatcher
	allowed := m.methods(rctx.Routes, path, r.Method)
	if len(allowed) == 0 && rctx.RoutePath != "" && rctx.RoutePath != path {
		// A middleware such as StripSlashes rewrote the routing path.
		allowed = m.methods(rctx.Routes, rctx.RoutePath, r.Method)
	}
	return allowed
}

// routingPath is the path chi routes a request on.
func routingPath(r *http.Request) string {
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	if r.URL.Path == "" {
		return "/"
	}
	return r.URL.Path
}

// routeMatcher answers whether a router serves a method at a path. It
// works around chi's Match, which reports every method as served at the
// exact path of a subrouter made with Route or Mount (where chi's routing
// goes on to the subrouter's "/" route). It remembers the route lists it
// reads, since chi builds them anew on every call.
type routeMatcher struct {
	seen []struct {
		routes chi.Routes
		list   []chi.Route
	}
}

func (m *routeMatcher) methods(routes chi.Routes, path, method string) []string {
	var allowed []string
	get := false
	for _, rm := range routedMethods {
		switch {
		case m.serves(routes, rm, path, 0):
			get = get || rm == http.MethodGet
		case rm == http.MethodHead && get && method != http.MethodHead:
		default:
			continue
		}
		allowed = append(allowed, rm)
	}
	return allowed
}

// serves reports whether routes has a handler for method at path.
func (m *routeMatcher) serves(routes chi.Routes, method, path string, depth int) bool {
	tctx := chi.NewRouteContext()
	if depth > 32 || routes.Find(tctx, method, path) == "" {
		return false
	}
	// Find recorded the pattern it matched at each router level.
	level := routes
	for i, p := range tctx.RoutePatterns {
		rt := m.route(level, p)
		if i < len(tctx.RoutePatterns)-1 {
			if rt == nil || rt.SubRoutes == nil {
				return true // a shape we do not know: trust Find
			}
			level = rt.SubRoutes
			continue
		}
		if rt != nil && (rt.Handlers[method] != nil || rt.Handlers["*"] != nil) {
			return true
		}
		// p is the stub chi adds at a subrouter's own path: chi routes it
		// to the subrouter's "/".
		if mount := m.route(level, strings.TrimSuffix(p, "/")+"/*"); mount != nil && mount.SubRoutes != nil {
			return m.serves(mount.SubRoutes, method, "/", depth+1)
		}
	}
	return true
}

func (m *routeMatcher) route(routes chi.Routes, pattern string) *chi.Route {
	var list []chi.Route
	found := false
	for _, s := range m.seen {
		if s.routes == routes {
			list, found = s.list, true
			break
		}
	}
	if !found {
		list = routes.Routes()
		m.seen = append(m.seen, struct {
			routes chi.Routes
			list   []chi.Route
		}{routes, list})
	}
	for i := range list {
		if list[i].Pattern == pattern {
			return &list[i]
		}
	}
	return nil
}
