// Package describe lets chiguard's middlewares say what they enforce
// without importing package contract, which imports them: the handler each
// middleware returns is a *Handler, whose Describe method gives a plain
// description. Package contract applies a route's middlewares to a probe
// handler and reads the descriptions back; a handler that is not a
// Describer is a middleware chiguard does not know.
//
// Descriptions are data only. Building one must cost nothing at request
// time: Wrap keeps a function that builds it on demand.
package describe

import (
	"net/http"
	"reflect"
	"sync/atomic"
	"time"
)

// Describer is implemented by the handlers chiguard's middlewares return.
type Describer interface {
	Describe() Middleware
}

// Handler serves with one function and describes itself with another. It
// costs the same per request as the http.HandlerFunc it wraps.
type Handler struct {
	serve    http.HandlerFunc
	describe func() Middleware
}

// Wrap returns h described by describe.
func Wrap(h http.HandlerFunc, describe func() Middleware) *Handler {
	return &Handler{serve: h, describe: describe}
}

// ServeHTTP calls the wrapped function.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve(w, r) }

// Describe returns the description.
func (h *Handler) Describe() Middleware { return h.describe() }

// Middleware is what one middleware enforces. Name is always set; the
// other fields say what applies.
type Middleware struct {
	// Name is the middleware as written at the call site, such as
	// "auth.RequireScopes".
	Name string
	// Responses are the answers it can give instead of calling the next
	// handler.
	Responses []Response
	// Headers are the response headers it sets on every response that goes
	// through it.
	Headers []string

	Writer      *Writer
	Recoverer   bool
	HeadAsGet   bool
	Auth        *Auth
	Require     *Require
	Conceal     bool
	Offers      []string // media types Negotiate offers, in its order
	Limit       *Limit
	Body        *Body
	Params      []Param
	Conditional bool
	Maintenance *Maintenance
	Translate   bool
	// Declared marks a declaration (contract.Declare): answers the handler
	// gives, which no middleware enforces.
	Declared bool
	// Methods, for a handler, are the methods it serves when it is mounted
	// for every method; it answers the others itself.
	Methods []string
}

// Response is one answer a middleware can give.
type Response struct {
	Status int
	// Type is a slug of the writer's catalog or an absolute type URI; ""
	// means the catalog's type for Status (no problem at all below 400).
	Type string
	// Title is the type's title, for types a catalog may not hold.
	Title string
	// Detail says when the answer is given.
	Detail string
	// Headers are set on this answer.
	Headers []string
	// MediaTypes are the media types of the body of an answer that is not
	// a problem, if it has one.
	MediaTypes []string
	// Methods, if set, are the only request methods that can get it.
	Methods []string
	// Concealable answers become the 404 of an unknown path under
	// auth.Conceal.
	Concealable bool
	// Anonymous answers are given only to requests without credentials,
	// behind an Authenticate that lets them through.
	Anonymous bool
	// Plain answers are not problems, such as chi's own 404 and 405.
	Plain bool
	// Opaque answers come from a handler that is not chiguard's, such as
	// a router's own NotFound: their type and headers are its own.
	Opaque bool
}

// Writer describes a problem writer's Handler.
type Writer struct {
	// Catalog is the writer's *problem.Catalog (never nil). It is typed
	// any because package problem imports this one.
	Catalog any
	// XML is set when the writer also sends problems as XML.
	XML bool
}

// Auth describes Authenticate.
type Auth struct {
	Realm     string
	Schemes   []Scheme
	Anonymous bool
	// Query is the query parameter that may carry a bearer token, or "".
	Query string
	// Throttle describes the failure throttle, if it is chiguard's; an
	// OpaqueThrottle is one that is not, named by its type.
	Throttle       *Middleware
	OpaqueThrottle string
}

// Scheme is one Authorization scheme Authenticate accepts.
type Scheme struct {
	Name string
	// Verifier is "jwt", "jwks" (a JWT verified with a JWK set),
	// "introspection", "apikeys" or "custom".
	Verifier string
}

// Require describes an authorization check: a principal is needed, with
// Scopes (all of them, or any one with Any) and of Kind ("user", "app"),
// where set.
type Require struct {
	Scopes []string
	Any    bool
	Kind   string
}

// Limit describes a rate limiter, or a throttle of failed credentials.
type Limit struct {
	Policies []Policy
	// Keys name the parts of the key: "principal-or-ip", "principal", "ip",
	// "ip-prefix", "route", "constant" or "custom".
	Keys     []string
	Failures bool
	FailOpen bool
	// Shared is set when the counter is not the limiter's own
	// LocalCounter: it may fail, and it may be shared by replicas.
	Shared bool
	Legacy bool
	// Fields are the response fields the limiter sets: RateLimit-Policy,
	// RateLimit, and the X-RateLimit ones with Legacy.
	Fields []string
}

// Policy is one quota of a Limit.
type Policy struct {
	Name   string
	Quota  int
	Window time.Duration
}

// Body describes a decoded request body.
type Body struct {
	Type               reflect.Type
	MediaTypes         []string
	MaxBytes           int64
	AllowUnknownFields bool
}

// Param describes a validated path or query parameter.
type Param struct {
	Name string
	In   string // "path" or "query"
	Type reflect.Type
}

// Maintenance describes the maintenance switch.
type Maintenance struct {
	Status int
	Exempt []string
}

// throttles describes the throttles of failed credentials; package
// ratelimit sets it at init, as package auth cannot import it.
var throttles atomic.Pointer[func(any) *Middleware]

// DescribeThrottles makes ThrottleOf use f. Package ratelimit calls it once.
func DescribeThrottles(f func(throttle any) *Middleware) { throttles.Store(&f) }

// ThrottleOf describes t, or returns nil if no package knows it.
func ThrottleOf(t any) *Middleware {
	if f := throttles.Load(); f != nil {
		return (*f)(t)
	}
	return nil
}
