package middleware

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
	"weak"

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
// exact path of a subrouter made with Route or Mount: chi registers a stub
// there that, when routing, goes on to the subrouter's "/" route.
type routeMatcher struct{}

func (m routeMatcher) methods(routes chi.Routes, path, method string) []string {
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
func (m routeMatcher) serves(routes chi.Routes, method, path string, depth int) bool {
	tctx := chi.NewRouteContext()
	if depth > 8 || routes.Find(tctx, method, path) == "" {
		return false
	}
	// Find recorded the pattern it matched at each router level; a stub
	// is the last one, P or P/, next to a mount P/*.
	pats := tctx.RoutePatterns
	last := pats[len(pats)-1]
	if strings.HasSuffix(last, "*") {
		return true
	}
	mount := strings.TrimSuffix(last, "/") + "/*"
	probe := chi.NewRouteContext()
	routes.Find(probe, method, strings.TrimSuffix(path, "/")+"/\x00")
	if len(probe.RoutePatterns) < len(pats) || probe.RoutePatterns[len(pats)-1] != mount {
		return true // a real route
	}
	level := routes
	for _, p := range append(pats[:len(pats)-1:len(pats)-1], mount) {
		if level = mountedAt(level, p); level == nil {
			return true // a shape we do not know: trust Find
		}
	}
	return m.serves(level, method, "/", depth+1)
}

type mountKey struct {
	mux     weak.Pointer[chi.Mux]
	pattern string
}

// mounts remembers the subrouters found with mountedAt. chi builds its
// route list anew on every Routes call, which costs as much as the whole
// tree; a mount never changes once made, so what was found stays true. The
// routers are held weakly and their entries removed once they are garbage,
// so the cache holds one entry per mount of each live router.
var mounts sync.Map // mountKey -> chi.Routes

// mountedAt returns the subrouter mounted at pattern (ending in "/*") in
// routes, or nil.
func mountedAt(routes chi.Routes, pattern string) chi.Routes {
	mx, cacheable := routes.(*chi.Mux)
	var key mountKey
	if cacheable {
		key = mountKey{weak.Make(mx), pattern}
		if sub, ok := mounts.Load(key); ok {
			return sub.(chi.Routes)
		}
	}
	for _, rt := range routes.Routes() {
		if rt.Pattern == pattern && rt.SubRoutes != nil {
			if cacheable {
				if _, loaded := mounts.LoadOrStore(key, rt.SubRoutes); !loaded {
					runtime.AddCleanup(mx, func(k mountKey) { mounts.Delete(k) }, key)
				}
			}
			return rt.SubRoutes
		}
	}
	return nil
}
