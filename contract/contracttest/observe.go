package contracttest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/internal/chipattern"
)

// Observation is one answer a Recorder saw.
type Observation struct {
	// Method and Pattern name the route that answered, as its contract
	// does; Pattern is "" for a path no route serves.
	Method, Pattern string
	// Mount is the pattern of the deepest mounted router the request
	// reached (a contract.Mount), "" for the root alone.
	Mount  string
	Status int
	// Type is the problem type of the answer, "" if it is no problem or a
	// HEAD request's.
	Type string
}

// String says o as a failing test reports it: "GET /cloud answered 404
// /problems/not-found".
func (o Observation) String() string {
	s := strconv.Itoa(o.Status)
	if o.Type != "" {
		s += " " + o.Type
	}
	if o.Pattern == "" && o.Mount != "" {
		return "a path below " + o.Mount + " that no route serves answered " + s
	}
	if o.Pattern == "" {
		return "a path no route serves answered " + s
	}
	return o.Method + " " + o.Pattern + " answered " + s
}

// routingHandler is a chi router that serves requests.
type routingHandler interface {
	chi.Routes
	http.Handler
}

// Recorder serves requests with a router and records what it answers.
type Recorder struct {
	router   routingHandler
	contract *contract.Contract
	mu       sync.Mutex
	seen     []Observation
}

// Observe returns a Recorder that serves with router, and fails t, when
// the test ends, for every answer the router gave that its contract does
// not list: a status, or a problem type for it, that no middleware of the
// route describes and no contract.Declare declares. A handler's success
// (a 2xx that is not a problem) is held to the route's declared 2xx
// statuses only when it declares one: on a route that declares none, any
// success passes. Serve a test's requests through it, for example with
// httptest.NewServer(rec):
//
//	rec := contracttest.Observe(t, r)
//	srv := httptest.NewServer(rec)
//
// It holds the contract, and the OpenAPI document made from it, to what
// the router does in the tests: an answer that drifts from it fails them.
// It takes the chi.Routes that Check and Compare take; the router must be
// an http.Handler too, as every chi router is.
func Observe(t testing.TB, router chi.Routes) *Recorder {
	t.Helper()
	h, ok := router.(routingHandler)
	if !ok {
		t.Fatalf("contracttest: Observe needs a router that serves requests (an http.Handler, as *chi.Mux is); %T is not one", router)
	}
	rec := &Recorder{router: h, contract: contract.Of(router)}
	t.Cleanup(func() {
		t.Helper()
		for _, miss := range rec.Unlisted() {
			t.Errorf("contracttest: %s, which its contract does not list: %s", miss, rec.hint(miss))
		}
	})
	return rec
}

// ServeHTTP serves r with the router and records the answer.
func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rctx := chi.NewRouteContext()
	rctx.Routes = rec.router
	r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
	cw := &captureWriter{ResponseWriter: w}
	rec.router.ServeHTTP(cw, r)
	o := Observation{Status: cw.status()}
	o.Type = problemType(cw.Header().Get("Content-Type"), o.Status, cw.body.Bytes(), rec.contract.Catalog)
	o.Method, o.Pattern = rec.route(r, rctx)
	o.Mount = rec.mount(rctx.RoutePatterns)
	rec.mu.Lock()
	rec.seen = append(rec.seen, o)
	rec.mu.Unlock()
}

// route names the route that answered r: the one chi routed it to, or
// for the router's own 404 and 405, the route of another method at the
// path.
func (rec *Recorder) route(r *http.Request, rctx *chi.Context) (method, pattern string) {
	method = rctx.RouteMethod
	if method == "" {
		method = r.Method
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	if len(rctx.RoutePatterns) == 0 && rctx.RoutePath != "" {
		path = rctx.RoutePath // as a middleware before routing rewrote it (StripSlashes)
	}
	// The patterns chi matched, as registered, tell "/items/" from
	// "/items" (RoutePattern spells both alike), and follow a routing path
	// a middleware rewrote (StripSlashes, CleanPath), which the URL does not.
	if len(rctx.RoutePatterns) > 0 {
		p := chipattern.Path(strings.Join(rctx.RoutePatterns, ""))
		if rt, ok := rec.contract.Route(method, p); ok {
			return rt.Method, rt.Pattern
		}
		if rt, ok := rec.mountedHandler(p); ok {
			return rt.Method, rt.Pattern
		}
	}
	if p := rctx.RoutePattern(); p != "" {
		if rt, ok := rec.contract.Route(method, p); ok {
			return rt.Method, rt.Pattern
		}
	}
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "QUERY", "TRACE", "CONNECT"} {
		p := rec.router.Find(chi.NewRouteContext(), m, path)
		if p == "" {
			continue
		}
		if rt, ok := rec.contract.Route(m, chipattern.Path(p)); ok {
			return method, rt.Pattern
		}
		// Find spells a subrouter's "/" route with its mount's slash
		// ("/cloud/{id}/"), which the contract lists as the mount's path.
		if q := strings.TrimSuffix(p, "/"); q != p && q != "" {
			if rt, ok := rec.contract.Route(m, q); ok {
				return method, rt.Pattern
			}
		}
	}
	return method, ""
}

// mountedHandler finds the route of an http.Handler mounted at p (chi's
// Mount of a handler that is no router): chi routes the mount's own path,
// "/static" or "/static/", to the handler it lists at "/static/*", and
// spells it as no route of the contract.
func (rec *Recorder) mountedHandler(p string) (contract.Route, bool) {
	if slices.ContainsFunc(rec.contract.Routes, func(r contract.Route) bool { return r.Pattern == p }) {
		return contract.Route{}, false
	}
	rt, ok := rec.contract.Route("*", strings.TrimSuffix(p, "/")+"/*")
	return rt, ok && rt.Method == "*"
}

// mount names the deepest mount of the contract that chi routed into:
// the longest run of the patterns it matched that spells one.
func (rec *Recorder) mount(patterns []string) string {
	for k := len(patterns); k > 0; k-- {
		p := chipattern.Mount(strings.Join(patterns[:k], ""))
		if _, ok := rec.contract.Mount(p); ok {
			return p
		}
	}
	return ""
}

// unrouted returns the answers to a path no route serves, below o's mount.
func (rec *Recorder) unrouted(o Observation) []contract.Response {
	if m, ok := rec.contract.Mount(o.Mount); ok {
		return m.Unrouted
	}
	return rec.contract.Unrouted
}

// Observations returns every answer recorded so far, in order.
func (rec *Recorder) Observations() []Observation {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.seen)
}

// Contract returns the contract the answers are held to.
func (rec *Recorder) Contract() *contract.Contract { return rec.contract }

// Unlisted returns the answers recorded so far that the contract does not
// list, each once.
func (rec *Recorder) Unlisted() []Observation {
	var out []Observation
	for _, o := range rec.Observations() {
		if !rec.listed(o) && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

func (rec *Recorder) listed(o Observation) bool {
	if o.Status < 300 && o.Type == "" && !rec.declaresSuccess(o) {
		return true // a handler's success, on a route that declares none
	}
	if o.Pattern == "" {
		return answers(rec.unrouted(o), o)
	}
	_, served := rec.contract.Route(o.Method, o.Pattern)
	if !served && o.Status != http.StatusNotFound && answers(rec.unrouted(o), o) {
		// A method no route serves at the path, refused before its mount
		// (or the root) routes, by the middlewares that refuse its
		// unknown paths too.
		return true
	}
	for _, r := range rec.contract.Routes {
		if r.Pattern != o.Pattern {
			continue
		}
		if (r.Method == o.Method || r.Method == "*") && answers(r.Responses, o) {
			return true
		}
		if (o.Status == http.StatusMethodNotAllowed || o.Status == http.StatusNotFound) && !served && answers(r.Responses, o) {
			return true // the router's answer at the path, for a method no route of it serves
		}
	}
	return false
}

// declaresSuccess reports whether the route that answered o declares its
// 2xx statuses (contract.Declare): then o's must be one of them.
func (rec *Recorder) declaresSuccess(o Observation) bool {
	r, ok := rec.contract.Route(o.Method, o.Pattern)
	return ok && slices.ContainsFunc(r.Responses, func(x contract.Response) bool { return x.Status >= 200 && x.Status < 300 })
}

func answers(rs []contract.Response, o Observation) bool {
	return slices.ContainsFunc(rs, func(r contract.Response) bool {
		return r.Status == o.Status && (o.Type == "" || r.Type == o.Type || r.Opaque)
	})
}

// hint says what the contract has for the status, and how to fix it.
func (rec *Recorder) hint(o Observation) string {
	rs := rec.unrouted(o)
	if rt, ok := rec.contract.Route(o.Method, o.Pattern); ok {
		rs = rt.Responses
	}
	var have []string
	for _, r := range rs {
		if r.Status == o.Status {
			have = append(have, r.Type)
		}
	}
	if len(have) > 0 {
		return fmt.Sprintf("it lists %d only as %s; declare the type with contract.Declare, or find what answers with it",
			o.Status, strings.Join(have, ", "))
	}
	if o.Pattern == "" {
		return "no route serves the path, so a middleware that runs before routing gave it: make that middleware describe itself"
	}
	return "declare it with contract.Declare where the handler gives it, or find the middleware that does and make it describe itself"
}

// captureWriter keeps the status and the start of the body.
type captureWriter struct {
	http.ResponseWriter
	code int
	body bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	if c.code == 0 && code >= 200 {
		c.code = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	if n := 64<<10 - c.body.Len(); n > 0 {
		c.body.Write(b[:min(n, len(b))])
	}
	return c.ResponseWriter.Write(b)
}

func (c *captureWriter) status() int {
	if c.code == 0 {
		return http.StatusOK
	}
	return c.code
}

// Unwrap lets http.ResponseController and the problem writer see the
// writer underneath.
func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Flush flushes the writer underneath, if it can.
func (c *captureWriter) Flush() { _ = http.NewResponseController(c.ResponseWriter).Flush() }
