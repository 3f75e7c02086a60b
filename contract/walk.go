package contract

import (
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"unsafe"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/describe"
)

// walked is a route as the walk finds it: what chi.Walk reports, and
// where the routers on its way route.
type walked struct {
	method  string
	pattern string // chi's full pattern, "/*/" joins included
	handler http.Handler
	mws     []func(http.Handler) http.Handler
	root    int        // mws[:root] are the root router's Use: before routing
	routed  int        // mws[:routed] run before the last router picks the route
	router  chi.Routes // that last router: its 404 and 405 are the route's
	any     bool       // registered for every method
}

// mounted is a router as the walk finds it: the root (pattern "") or one
// mounted below it, with the middlewares that run before it routes.
type mounted struct {
	pattern string // chi's full pattern of the mount, "/*" included
	mws     []func(http.Handler) http.Handler
	root    int // mws[:root] are the root router's Use
	router  chi.Routes
}

// walk lists the routes of r, as chi.Walk does, knowing for each route
// which of its middlewares run before which router's routing, and the
// routers on the way, r first. chi.Walk gives the middlewares of a route
// as one list, and no routers.
func walk(r chi.Routes) ([]walked, []mounted) {
	var out []walked
	var routers []mounted
	walkLevel(r, "", nil, -1, &out, &routers)
	return out, routers
}

func walkLevel(r chi.Routes, prefix string, parent []func(http.Handler) http.Handler, root int, out *[]walked, routers *[]mounted) {
	mws := slices.Concat(parent, r.Middlewares())
	if root < 0 {
		root = len(mws)
	}
	*routers = append(*routers, mounted{pattern: prefix, mws: mws, root: root, router: r})
	for _, rt := range r.Routes() {
		if rt.SubRoutes != nil {
			sub := mws
			if ch, ok := rt.Handlers["*"].(*chi.ChainHandler); ok {
				sub = slices.Concat(mws, ch.Middlewares)
			}
			walkLevel(rt.SubRoutes, prefix+rt.Pattern, sub, root, out, routers)
			continue
		}
		all := rt.Handlers["*"]
		for method, h := range rt.Handlers {
			if method == "*" {
				continue
			}
			// A method registered after Handle (r.Handle("/x", h);
			// r.Get("/x", g)) has its own handler: it is a route of its
			// own, not one of the route served for every method.
			w := walked{method: method, pattern: prefix + rt.Pattern, handler: h, mws: mws,
				root: root, routed: len(mws), router: r, any: all != nil && sameHandler(h, all)}
			if ch, ok := h.(*chi.ChainHandler); ok {
				w.handler, w.mws = ch.Endpoint, slices.Concat(mws, ch.Middlewares)
			}
			*out = append(*out, w)
		}
	}
}

// probe is the handler the middlewares are applied to.
var probe = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

// describeMiddleware reads what mw enforces: it applies mw to the probe,
// as chi applies it to each route's handler when the route is added, and
// asks the handler it gets. chiguard's middlewares do nothing else when
// applied. A middleware whose handler does not describe itself, or that
// panics on the probe, is opaque, named by its function.
func describeMiddleware(mw func(http.Handler) http.Handler) (s step) {
	s.Name = funcName(mw)
	defer func() {
		if recover() != nil {
			s = step{Middleware: describe.Middleware{Name: s.Name}}
		}
	}()
	h := mw(probe)
	d, ok := h.(describe.Describer)
	if !ok {
		return s
	}
	s = step{Middleware: d.Describe(), known: true}
	if decl, ok := h.(*declaration); ok {
		s.declared = decl.answers
	}
	return s
}

// describeHandler reads what a route's handler describes of itself.
func describeHandler(h http.Handler) (describe.Middleware, bool) {
	d, ok := h.(describe.Describer)
	if !ok {
		return describe.Middleware{}, false
	}
	return d.Describe(), true
}

// funcName names a function value by its code: "pkg/path.Func", or
// "pkg/path.(*T).Method-fm" for a method value.
func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return "<nil>"
	}
	if fn := runtime.FuncForPC(v.Pointer()); fn != nil {
		return fn.Name()
	}
	return "<unknown>"
}

// sameHandler reports whether a and b are the same handler value, the one
// chi shares between the methods of one Handle. Funcs, which == cannot
// compare, and values == cannot compare (a struct holding a map) are
// compared by the word the interfaces hold: the closure, or the copy, the
// Handle made. A func's code is not enough: closures of one function
// share it, as do method values of one method.
func sameHandler(a, b http.Handler) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	switch {
	case va.Type() != vb.Type():
		return false
	case va.Kind() != reflect.Func && va.Type().Comparable():
		return a == b
	}
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&a))[1] == (*[2]unsafe.Pointer)(unsafe.Pointer(&b))[1]
}

// sameFunc reports whether a and b are the same function.
func sameFunc(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Kind() == reflect.Func && vb.Kind() == reflect.Func && !va.IsNil() && !vb.IsNil() &&
		va.Pointer() == vb.Pointer()
}
