package contract

import (
	"encoding/json"
	"reflect"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/problem"
)

// Contract is what a router promises, route by route: what each route
// needs and what it can answer. Of makes one; it is the caller's to keep
// or change.
type Contract struct {
	// Routes are sorted by pattern, then method.
	Routes []Route
	// Unrouted are the answers to a path no route serves: the router's
	// 404, and the refusals of the middlewares it runs before routing.
	Unrouted []Response
	// Mounts are the routers mounted below the root (chi's Mount and
	// Route), sorted by pattern: a path below one that none of its routes
	// serves gets that mount's answers, not Unrouted.
	Mounts []Mount
	// Catalog resolves the problem types: the catalog of the router's
	// problem writer, or problem.DefaultWriter's.
	Catalog *problem.Catalog

	findings []finding // what Check reports
}

// Route is the contract of one method and pattern.
type Route struct {
	// Method is the request method, or "*" for a route registered for
	// every method (chi's Handle).
	Method string
	// Pattern is the chi pattern of the path the route serves, with the
	// patterns of the routers on the way joined: "/cloud/{cloudPk}/project".
	// A subrouter's "/" route is its mount's path, as in
	// chi.Context.RoutePattern; a route registered with a trailing slash
	// keeps it, since chi serves only that path there.
	Pattern string
	// Middlewares are the route's middlewares in the order they run, the
	// router's own (r.Use) first.
	Middlewares []Middleware
	// Security lists the credentials the route accepts: any one of them
	// suffices. It is empty on routes without auth.Authenticate.
	Security []Requirement
	// Anonymous is set when callers without credentials get through:
	// there is no Authenticate, or it allows anonymous callers and nothing
	// after it requires a principal.
	Anonymous bool
	// Kind is "user" or "app" when only principals of that kind get through.
	Kind string
	// Concealed is set when auth.Conceal makes the route's refusals the
	// 404 of an unknown path.
	Concealed bool
	// Produces are the media types middleware.Negotiate offers, in its order.
	Produces []string
	// Limits are the rate-limit policies counted on the route, the failure
	// throttle of Authenticate included.
	Limits []Limit
	// Parameters are the pattern's path parameters, typed where
	// bind.ValidatePath checks them.
	Parameters []Parameter
	// Query are the query parameters bind.ValidateQuery checks. Those a
	// handler reads itself (bind.QueryParam) cannot be seen.
	Query []Parameter
	// Body is the request body bind.Body decodes, or nil. Bodies decoded
	// inside handlers (bind.DecodeJSON) cannot be seen.
	Body *Body
	// Responses are the answers the route can give, sorted by status then
	// type: the refusals of its middlewares and router, and the answers
	// declared with Declare.
	Responses []Response
}

// Mount is a router mounted below another. chi runs the middlewares of a
// mount, and of the groups it is mounted in, before the mounted router
// routes, so an unknown path below it gets their refusals before its 404.
type Mount struct {
	// Pattern is the path the router is mounted at, the patterns of the
	// routers on the way joined: "/cloud/{cloudPk}".
	Pattern string
	// Unrouted are the answers to a path below Pattern that no route
	// serves: the refusals of every middleware that runs before the
	// mounted router routes, the root's included, and its 404.
	Unrouted []Response
	// Concealed is set when auth.Conceal runs before the mounted router
	// routes, making its refusals the 404 of an unknown path.
	Concealed bool
}

// Middleware is one middleware of a route.
type Middleware struct {
	// Name is the middleware as written at the call site, e.g.
	// "auth.RequireScopes"; for a middleware that is not chiguard's, the
	// name of its function.
	Name string
	// Opaque is set for middlewares that are not chiguard's: what they
	// enforce is unknown, and the contract does not guess it.
	Opaque bool
	// BeforeRouting is set for the middlewares of the root router's Use,
	// which run before chi has chosen a route.
	BeforeRouting bool
}

// Requirement is one way to be let through: credentials of Scheme
// ("Bearer", "ApiKey", ...) granted every one of Scopes.
type Requirement struct {
	Scheme string
	Scopes []string
	// Query is the query parameter the credentials may come in instead of
	// the Authorization header (auth.QueryToken), or "".
	Query string
	// Format is "JWT" for bearer tokens a JWT verifier checks, or "".
	Format string
	// Realm is the realm of Authenticate's challenges.
	Realm string
}

// Limit is one rate-limit policy on a route.
type Limit struct {
	// Policy is the policy's name in the RateLimit fields; Quota units
	// are allowed per Window.
	Policy string
	Quota  int
	Window time.Duration
	// Key names what requests are counted by: "principal-or-ip",
	// "principal", "ip", "ip-prefix", "route", "constant" or "custom",
	// one per part.
	Key []string
	// Failures is set for the throttle of failed credentials, which counts
	// failed checks rather than requests.
	Failures bool
}

// Parameter is a path parameter of a route's pattern, or a query
// parameter bind.ValidateQuery checks.
type Parameter struct {
	Name string
	In   string // "path" or "query"
	// Type is the Go type bind.ValidatePath or bind.ValidateQuery parses
	// the parameter into; nil when nothing checks it (a string, to the
	// router).
	Type reflect.Type
	// Schema is the parameter's JSON Schema.
	Schema json.RawMessage
}

// Body is the request body of a route.
type Body struct {
	// Type is the Go type the body is decoded into.
	Type reflect.Type
	// MediaTypes are the Content-Types the decoder accepts.
	MediaTypes []string
	// MaxBytes is the largest body the decoder reads.
	MaxBytes int64
	// Schema is the JSON Schema of the bodies the decoder accepts, as far
	// as Type and its json and validate tags say.
	Schema json.RawMessage
}

// Response is one answer a route can give.
type Response struct {
	Status int
	// Type is the problem type URI, resolved in the catalog; "" for an
	// answer that is not a problem (a 304, a success, chi's own 404/405).
	// Given to Declare, it may be a slug ("not-found"), and "" for an
	// error status means the catalog's type for that status.
	Type string
	// Title and Description are the catalog's for Type, or the
	// declaration's.
	Title       string
	Description string
	// Headers are the response headers that can come with the answer.
	Headers []string
	// Causes say which middleware gives the answer, and when.
	Causes []Cause
	// Schema is the JSON Schema of the body of an answer that is not a
	// problem, when declared.
	Schema json.RawMessage
	// MediaTypes are the media types of the body: for a problem, those its
	// problem writer sends as Accept asks (application/problem+json,
	// application/json, and the XML ones with Writer.XML); for another
	// answer, those its handler says it writes, or declared. Empty, a
	// success is in the media types Negotiate offers (Route.Produces), and
	// a declared Schema is of application/json.
	MediaTypes []string
	// Opaque is set for an answer of a handler that is not chiguard's,
	// such as a router's own NotFound or MethodNotAllowed: Status is the
	// one chi calls it for, and its problem type, if any, and its headers
	// are the handler's own, not guessed. contracttest.Observe takes any
	// type with that status.
	Opaque bool
}

// Cause is one reason for an answer.
type Cause struct {
	// Middleware gives the answer, as written at the call site.
	Middleware string
	// When says in which case, e.g. "more than one credential".
	When string
}

// Route returns the contract of the route of method and pattern.
func (c *Contract) Route(method, pattern string) (Route, bool) {
	for _, r := range c.Routes {
		if r.Pattern == pattern && (r.Method == method || r.Method == "*") {
			return r, true
		}
	}
	return Route{}, false
}

// Mount returns the mount at pattern, as Contract.Mounts spells it.
func (c *Contract) Mount(pattern string) (Mount, bool) {
	for _, m := range c.Mounts {
		if m.Pattern == pattern {
			return m, true
		}
	}
	return Mount{}, false
}

// Answers reports whether r can answer status with the problem type typ
// (a type URI; "" for any type, or none).
func (r Route) Answers(status int, typ string) bool {
	return slices.ContainsFunc(r.Responses, func(a Response) bool {
		return a.Status == status && (typ == "" || a.Type == typ)
	})
}

// Of walks router and returns its contract. It applies each middleware of
// each route to a probe handler, as chi does to the route's handler when
// the route is added, and reads what chiguard's middlewares describe of
// themselves; the others are reported as opaque, by the name of their
// function.
func Of(router chi.Routes) *Contract {
	return build(router)
}
