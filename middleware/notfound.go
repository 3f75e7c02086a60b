package middleware

import (
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"weak"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/conceal"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// NotFound answers 404 with a problem. Install it on the root router with
// r.NotFound(middleware.NotFound); chi passes it on to subrouters mounted
// later that set none of their own. Below auth.Conceal (a subrouter mounted
// as auth.Conceal(sub)), it takes back the headers set since Conceal ran,
// as Conceal's own 404 does.
func NotFound(w http.ResponseWriter, r *http.Request) { conceal.NotFound(w, r) }

// MethodNotAllowed answers 405 with a problem and an Allow header listing
// the methods the route serves (RFC 9110 §15.5.6), as AllowedMethods
// computes them. Install it with r.MethodNotAllowed(middleware.MethodNotAllowed);
// chi passes it on to subrouters like NotFound.
//
// When no method is served at the path (chi also calls this handler for a
// method it does not know, whatever the path), or only concealed ones (see
// auth.Conceal), it answers NotFound's 404 instead: a 405 with an empty
// Allow would tell the client the resource exists. So it does below
// auth.Conceal, in a subrouter mounted as auth.Conceal(sub), whose routes
// are all concealed.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	// A router that chi reached through a handler hiding it, as in
	// r.Mount("/admin", wrap(sub)), refused the method, yet AllowedMethods,
	// which cannot look inside wrap, takes the mount for a handler of every
	// method. An Allow naming the refused method would send the client
	// back to it.
	allowed := slices.DeleteFunc(AllowedMethods(r), func(m string) bool { return m == r.Method })
	if len(allowed) == 0 || conceal.From(r.Context()) != nil {
		NotFound(w, r)
		return
	}
	list := strings.Join(allowed, ", ")
	method := r.Method
	if len(method) > maxEchoedMethod {
		// net/http takes a method as long as its header limit: the
		// answer's size must not follow the request's.
		method = "used"
	}
	problem.Write(w, r, problem.MethodNotAllowed("The method "+method+" is not allowed here; use "+list+".").
		WithHeader("Allow", list))
}

// maxEchoedMethod is the longest method a 405's detail repeats.
const maxEchoedMethod = 32

// routedMethods are the methods AllowedMethods tries, in the order Allow
// lists them. chi keeps the methods registered with chi.RegisterMethod to
// itself, so those are never listed.
var routedMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, "QUERY", http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// AllowedMethods returns the methods the request's chi router serves at the
// request's path, walking mounted subrouters (chi does not expose the list
// it found while routing). Methods whose route auth.Conceal guards are left
// out: a client must not learn of them from an Allow header. So are the
// methods a handler mounted for every method (r.Handle) says it does not
// serve, as the problem docs say of all but GET and HEAD: it would refuse
// them with a 405 of its own. HEAD is included when GET is served, since
// HeadAsGet (or chi's GetHead) routes HEAD to GET handlers; it is left out
// when the request itself is a HEAD that reached a 405, which shows that
// neither is in use. The result is nil outside a chi router.
//
// It cannot see the routes of a subrouter mounted through a handler that
// hides it, as in r.Mount("/admin", wrap(sub)): mount sub itself, with
// wrap in sub.Use or r.With(wrap).Mount, for Allow to list its methods.
func AllowedMethods(r *http.Request) []string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil || rctx.Routes == nil {
		return nil
	}
	path := routingPath(r)
	m := routeMatcher{allow: true}
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
// With allow set, it answers for an Allow header: it also tells whether
// auth.Conceal guards a route, and does not count a method that the
// route's handler, mounted for every method, refuses itself.
type routeMatcher struct{ allow bool }

func (m routeMatcher) methods(routes chi.Routes, path, method string) []string {
	var allowed []string
	get := false
	for _, rm := range routedMethods {
		served, hidden := m.serves(routes, rm, path, 0)
		switch {
		case served && hidden:
			continue
		case served:
			get = get || rm == http.MethodGet
		case rm == http.MethodHead && get && method != http.MethodHead:
		default:
			continue
		}
		allowed = append(allowed, rm)
	}
	return allowed
}

// serves reports whether routes has a handler for method at path, and
// whether auth.Conceal guards that handler.
func (m routeMatcher) serves(routes chi.Routes, method, path string, depth int) (served, hidden bool) {
	tctx := chi.NewRouteContext()
	if depth > 8 || routes.Find(tctx, method, path) == "" {
		return false, false
	}
	// Find recorded the pattern it matched at each router level; a stub
	// is the last one, P or P/, next to a mount P/*.
	pats := tctx.RoutePatterns
	last := pats[len(pats)-1]
	if strings.HasSuffix(last, "*") {
		return m.route(routes, method, pats)
	}
	mount := strings.TrimSuffix(last, "/") + "/*"
	probe := chi.NewRouteContext()
	routes.Find(probe, method, strings.TrimSuffix(path, "/")+"/\x00")
	if len(probe.RoutePatterns) < len(pats) || probe.RoutePatterns[len(pats)-1] != mount {
		return m.route(routes, method, pats) // a real route
	}
	above := append(pats[:len(pats)-1:len(pats)-1], mount)
	level := routes
	for _, p := range above {
		if level = mountedAt(level, p); level == nil {
			return m.route(routes, method, pats) // a route P/* next to the route P, no mount
		}
	}
	served, hidden = m.serves(level, method, "/", depth+1)
	return served, hidden || m.allow && flagsAt(routes, method, above).hidden
}

// route answers serves for the route Find reached through pats.
func (m routeMatcher) route(routes chi.Routes, method string, pats []string) (served, hidden bool) {
	if !m.allow {
		return true, false
	}
	f := flagsAt(routes, method, pats)
	return !f.refused, f.hidden
}

// routeFlags are what the handlers of a route tell AllowedMethods.
type routeFlags struct {
	hidden  bool // auth.Conceal guards the route
	refused bool // its handler, mounted for every method, answers this one with a 405 of its own
}

// flagsAt reports whether auth.Conceal is among the middlewares that
// routes runs for method on the route Find reached through pats, one
// pattern per router level: the routers' own (Use), those of an inline
// group or With, and those of the mounts on the way; and whether the
// route's handler refuses method (see refuses).
func flagsAt(routes chi.Routes, method string, pats []string) routeFlags {
	mx, cacheable := routes.(*chi.Mux)
	var key concealKey
	if cacheable {
		key = concealKey{weak.Make(mx), method, strings.Join(pats, "\x00")}
		if v, ok := routeFlagsCache.Load(key); ok {
			return v.(routeFlags)
		}
	}
	var f routeFlags
	level := routes
	for i, p := range pats {
		if conceal.In(level.Middlewares()) {
			f.hidden = true
			break
		}
		var found *chi.Route
		for _, rt := range level.Routes() {
			if rt.Pattern == p {
				found = &rt
				break
			}
		}
		if found == nil {
			break
		}
		h := found.Handlers[method]
		if h == nil {
			h = found.Handlers["*"]
		}
		if ch, ok := h.(*chi.ChainHandler); ok && conceal.In(ch.Middlewares) || concealing(endpoint(h)) {
			f.hidden = true
			break
		}
		if found.SubRoutes == nil {
			f.refused = i == len(pats)-1 && refuses(found, method)
			break
		}
		if i == len(pats)-1 {
			break
		}
		level = found.SubRoutes
	}
	if cacheable {
		if _, loaded := routeFlagsCache.LoadOrStore(key, f); !loaded {
			runtime.AddCleanup(mx, func(k concealKey) { routeFlagsCache.Delete(k) }, key)
		}
	}
	return f
}

// refuses reports whether rt is served for every method (chi's Handle) by
// a handler that says which methods it serves, method not among them, and
// no handler of its own serves method there: the problem docs and the
// contract's pages answer the others with a 405 of their own, and an
// Allow naming every method would send a client to them.
func refuses(rt *chi.Route, method string) bool {
	all, ok := endpoint(rt.Handlers["*"]).(*describe.Handler)
	if !ok {
		return false
	}
	if h := rt.Handlers[method]; h != nil && endpoint(h) != http.Handler(all) {
		return false // a handler registered for method after Handle
	}
	ms := all.Describe().Methods
	return len(ms) > 0 && !slices.Contains(ms, method)
}

// concealing reports whether h is a handler that auth.Conceal returned, as
// in r.Method("PUT", "/flags", auth.Conceal(h)): chi holds no middleware
// list for it to be found in.
func concealing(h http.Handler) bool {
	d, ok := h.(describe.Describer)
	return ok && d.Describe().Conceal
}

// endpoint is the handler at the end of h's chain of With middlewares.
func endpoint(h http.Handler) http.Handler {
	if ch, ok := h.(*chi.ChainHandler); ok {
		return ch.Endpoint
	}
	return h
}

type concealKey struct {
	mux      weak.Pointer[chi.Mux]
	method   string
	patterns string
}

// routeFlagsCache caches flagsAt, which lists every route of each router
// level it passes. Its keys are the router's own patterns, never a
// client's path, so it holds at most one entry per route and method of
// each live router.
var routeFlagsCache sync.Map // concealKey -> routeFlags

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
