package middleware

import (
	"net/http"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/go-chi/chi/v5"
)

// HeadAsGet routes a HEAD request to the GET handler of its path when the
// router has no HEAD handler there, so HEAD works wherever GET does (RFC
// 9110 §9.3.2); net/http sends the GET's headers and drops its body. Use
// it on the root router: r.Use(middleware.HeadAsGet).
//
// It does what chi's GetHead does, except at the exact path of a subrouter
// made with Route or Mount ("/cloud/{cloudPk}" when the subrouter has a
// "/" route): there chi's Match reports HEAD as served, GetHead lets the
// request through, and it ends in a 405.
func HeadAsGet(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.Routes != nil {
				path := rctx.RoutePath
				if path == "" {
					path = routingPath(r)
				}
				var m routeMatcher
				head, _ := m.serves(rctx.Routes, http.MethodHead, path, 0)
				get, _ := m.serves(rctx.Routes, http.MethodGet, path, 0)
				if !head && get {
					rctx.RouteMethod = http.MethodGet
					rctx.RoutePath = path
				}
			}
		}
		next.ServeHTTP(w, r)
	}), describeHeadAsGet)
}
