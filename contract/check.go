package contract

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/middleware"
)

// CheckError is a middleware that cannot do its job where it is mounted.
// Check returns one per mistake, naming every route that makes it.
type CheckError struct {
	// Routes are "METHOD pattern" of the routes with the mistake; nil when
	// every route of the router has it.
	Routes []string
	// Middleware is the middleware at fault, as written at the call site.
	Middleware string
	// Problem says what goes wrong, Fix what to change.
	Problem string
	Fix     string
}

// Error names the routes, the middleware, what goes wrong and the fix.
func (e *CheckError) Error() string {
	where := "every route"
	if e.Routes != nil {
		where = strings.Join(e.Routes, ", ")
	}
	return where + ": " + e.Middleware + " " + e.Problem + "; fix: " + e.Fix
}

type finding struct {
	route, middleware, problem, fix string
}

// Check walks router and reports every middleware mounted where it cannot
// do its job, joined with errors.Join; nil if there is none. Each error is
// a *CheckError naming the routes and the fix. Call it at start-up or in
// a test:
//
//	if err := contract.Check(r); err != nil {
//		log.Fatal(err)
//	}
//
// It finds authorization checks with no Authenticate before them, rate
// limits keyed by what they cannot see where they are (a route before
// routing, a principal before authentication), two rate-limit policies
// of one name in a route's RateLimit fields, a Conceal that its route
// defeats (after Authenticate, after middlewares that set headers or
// refuse before the authorization checks, or under chi's own 404 and
// 405), negotiation and input checks before authentication or
// authorization, a Maintenance after Authenticate or a limiter or one that
// exempts a concealed route by its very path, a missing
// problem writer or one after the Recoverer, path validation of
// parameters the pattern lacks, HeadAsGet after routing, and problem
// types missing from the writer's catalog.
func Check(router chi.Routes) error { return Of(router).Check() }

// Check reports the mistakes found while the contract was built; see the
// function Check.
func (c *Contract) Check() error {
	type key struct{ middleware, problem, fix string }
	var order []key
	routes := map[key][]string{}
	for _, f := range c.findings {
		k := key{f.middleware, f.problem, f.fix}
		if _, ok := routes[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(routes[k], f.route) {
			routes[k] = append(routes[k], f.route)
		}
	}
	var errs []error
	for _, k := range order {
		e := &CheckError{Routes: routes[k], Middleware: k.middleware, Problem: k.problem, Fix: k.fix}
		if len(e.Routes) == len(c.Routes) && len(c.Routes) > 1 {
			e.Routes = nil
		}
		errs = append(errs, e)
	}
	return errors.Join(errs...)
}

func (b *routeBuilder) find(middleware, problem, fix string) {
	b.found = append(b.found, finding{b.name, middleware, problem, fix})
}

func (b *routeBuilder) unregistered(from, uri, name string) {
	fix := "register it in the catalog with Catalog.Register"
	if t, ok := defaultType(name); ok {
		fix = "register problem.DefaultTypes() in the catalog, or your own " + t.Slug + " type"
	}
	b.find(from, "answers with the problem type "+uri+", which the problem writer's catalog does not hold, so the type documents nothing", fix)
}

// check looks for middlewares that cannot work where they are.
func (b *routeBuilder) check(r Route) {
	b.checkWriter()
	b.checkPolicyNames()
	lastCheck := -1 // the last step a concealed route's refusals must follow
	if len(b.auth) > 0 {
		lastCheck = b.auth[len(b.auth)-1]
	}
	for i, s := range b.steps {
		if !s.known {
			continue
		}
		switch {
		case s.Require != nil:
			lastCheck = max(lastCheck, i)
			a := b.authBefore(i)
			if a == nil {
				b.find(s.Name, "runs with no auth.Authenticate before it, so it answers every request with a 500",
					"add auth.Authenticate to the route or its group, ahead of "+s.Name)
			} else if s.Require.Kind == "user" && len(a.Schemes) > 0 && len(slices.DeleteFunc(slices.Clone(a.Schemes), appsOnly)) == 0 {
				b.find(s.Name, "comes after an auth.Authenticate that reads only API keys, which authenticate apps, so it refuses every caller",
					"accept the credentials of users (auth.Bearer) on the route")
			}
		case s.Limit != nil:
			b.checkLimit(i, s)
		case s.HeadAsGet && i >= b.w.root:
			b.find(s.Name, "runs after routing, where chi has already answered a HEAD request that no route serves",
				"install it on the root router, with r.Use")
		}
		for _, p := range s.Params {
			if p.In == "path" && !slices.Contains(patternParams(b.w.pattern), p.Name) {
				b.find(s.Name, "validates the path parameter "+p.Name+", which the pattern lacks, so it answers every request with a 500",
					"name a parameter of "+r.Pattern)
			}
		}
	}
	if b.conceal >= 0 {
		b.checkConceal(lastCheck)
		if b.exempt != "" {
			b.find(b.exempt, "exempts the concealed route by its path, so while maintenance is on it answers as it does, "+
				"where every unknown path gets the maintenance answer: the route shows it exists",
				"keep a route that must work during maintenance visible, or exempt it with the unknown paths around it (a prefix such as \"/admin/*\")")
		}
	} else {
		b.checkInputOrder()
	}
	b.checkMaintenance()
}

// checkInputOrder looks for negotiation and input checks before the last
// authentication or authorization step, where a caller without access
// gets their refusal, and so learns what the route takes, instead of the
// 401 or 403. An Authenticate that lets anonymous callers through keeps
// no one out by itself: a public route's input may come before it. A
// concealed route's are found by checkConceal.
func (b *routeBuilder) checkInputOrder() {
	last := -1
	for i, s := range b.steps {
		if s.known && (s.Auth != nil && !s.Auth.Anonymous || s.Require != nil) {
			last = i
		}
	}
	for i := 0; i < last; i++ {
		s := b.steps[i]
		if !s.known || s.Offers == nil && s.Body == nil && len(s.Params) == 0 {
			continue
		}
		var codes []string
		for _, resp := range s.Responses {
			if resp.Status != http.StatusInternalServerError {
				codes = append(codes, strconv.Itoa(resp.Status))
			}
		}
		b.find(s.Name, "runs before "+b.steps[last].Name+", so a caller without access gets its "+strings.Join(uniq(codes), ", ")+
			" rather than the 401 or 403, and learns what the route takes", "put it after "+b.steps[last].Name)
	}
}

// checkMaintenance looks for a Maintenance after authentication or a
// limiter, which then run while the API is down.
func (b *routeBuilder) checkMaintenance() {
	for i, s := range b.steps {
		if !s.known || s.Maintenance == nil {
			continue
		}
		for _, prior := range b.steps[:i] {
			switch {
			case !prior.known:
			case prior.Auth != nil:
				b.find(s.Name, "runs after "+prior.Name+", so while the API is down credentials are still checked, and a bad one gets a 401 rather than the maintenance answer",
					"install it on the root router, with r.Use, ahead of "+prior.Name)
			case prior.Limit != nil:
				b.find(s.Name, "runs after "+prior.Name+", so while the API is down requests still spend their quota, and a client over it gets a 429 rather than the maintenance answer",
					"install it on the root router, with r.Use, ahead of "+prior.Name)
			}
		}
	}
}

func (b *routeBuilder) checkWriter() {
	if len(b.writers) == 0 {
		b.find("problem.Writer.Handler", "is missing, so every refusal is written by problem.DefaultWriter, without the API's catalog, logger and alert hook",
			"install the writer first: r.Use(pw.Handler, middleware.Recoverer, ...)")
		return
	}
	// A refusal written from before the first writer is written by
	// problem.DefaultWriter, whatever the route's writer says.
	codes := map[string][]string{}
	var order []string
	for _, a := range b.answers {
		if a.by >= b.writers[0] || a.Plain || a.Opaque || a.Status < 400 && a.Type == "" {
			continue
		}
		if _, ok := codes[a.from]; !ok {
			order = append(order, a.from)
		}
		codes[a.from] = append(codes[a.from], strconv.Itoa(a.Status))
	}
	for _, from := range order {
		what := "its " + strings.Join(uniq(codes[from]), ", ")
		if from == "middleware.Recoverer" {
			what = "the 500 of a panic"
		}
		fix := "put pw.Handler ahead of " + from
		if b.writers[0] >= b.w.root {
			fix = "install the writer first, on the root router: r.Use(pw.Handler, middleware.Recoverer, ...)"
		}
		b.find(from, "runs before the problem writer's Handler, so "+what+" is written without the API's catalog, logger and alert hook", fix)
	}
}

func (b *routeBuilder) checkLimit(i int, s step) {
	authed := b.authBefore(i)
	later := slices.ContainsFunc(b.auth, func(j int) bool { return j > i })
	for _, k := range s.Limit.Keys {
		switch {
		case k == "route" && i < b.w.root:
			b.find(s.Name, "keys by route (ratelimit.ByRoute) but runs before routing, where no route is known, so it answers every request with a 500",
				"mount it with r.With, or in r.Group or r.Route, not with r.Use on the root router")
		case k == "principal" && authed == nil:
			b.find(s.Name, "keys by principal (ratelimit.ByPrincipal) with no auth.Authenticate before it, so no request has a principal to count: "+
				failure(s), "put it after auth.Authenticate")
		case k == "principal" && authed.Anonymous:
			b.find(s.Name, "keys by principal (ratelimit.ByPrincipal) after an auth.Authenticate that lets anonymous callers through, who have no principal: "+
				failure(s), "key by ratelimit.ByPrincipalOrIP")
		case k == "principal-or-ip" && authed == nil && later:
			b.find(s.Name, "keys by principal but runs before auth.Authenticate, so it counts every caller by client IP",
				"put it after auth.Authenticate")
		}
	}
}

// checkPolicyNames looks for two policies of one name whose fields go out
// together: those of every limiter on the route, and a failure throttle's
// with those of the limiters before it. The RateLimit fields would hold two
// members a client cannot tell apart, and so would a 429's
// violated-policies; NewLimiter names unnamed policies by quota and window
// only, so a per-client and a per-route limit of one size collide.
func (b *routeBuilder) checkPolicyNames() {
	seen := map[string]string{} // a limiter's policy name: the limiter
	check := func(name string, l *describe.Limit) {
		for _, p := range l.Policies {
			if prior, ok := seen[p.Name]; ok {
				b.find(name, "has a policy named "+strconv.Quote(p.Name)+", as "+prior+" before it does, so the RateLimit fields "+
					"and a 429's violated-policies cannot tell the two apart",
					"give the policies names of their own (ratelimit.Name, or Policy.Name with NewLimiter and AndPolicy)")
			}
		}
	}
	for _, s := range b.steps {
		switch {
		case !s.known:
		case s.Limit != nil:
			check(s.Name, s.Limit)
			for _, p := range s.Limit.Policies {
				seen[p.Name] = s.Name
			}
		case s.Auth != nil && s.Auth.Throttle != nil && s.Auth.Throttle.Limit != nil:
			check(s.Auth.Throttle.Name, s.Auth.Throttle.Limit)
		}
	}
}

// failure says what a limiter does with a request it cannot key.
func failure(s step) string {
	if s.Limit.FailOpen {
		return "those are never limited"
	}
	return "those are refused with a 503"
}

// revealing lists the statuses of s that Conceal cannot turn into its
// 404, but for a 500 and the limiters' 429 and 503, which it documents it
// cannot hide.
func revealing(s step) string {
	var codes []string
	for _, resp := range s.Responses {
		if !resp.Concealable && resp.Status != http.StatusInternalServerError && s.Limit == nil {
			codes = append(codes, strconv.Itoa(resp.Status))
		}
	}
	return strings.Join(uniq(codes), ", ")
}

// checkConceal looks for what gives a concealed route away: a refusal or
// a header before Conceal or before the last authorization check, and a
// router whose own 404 or 405 differs from Conceal's.
func (b *routeBuilder) checkConceal(lastCheck int) {
	for _, i := range b.auth {
		if i < b.conceal {
			b.find("auth.Conceal", "comes after auth.Authenticate, whose 401 tells a caller without credentials that the route exists",
				"put auth.Conceal first on the route or its group, ahead of auth.Authenticate")
			break
		}
	}
	for i := b.w.root; i < b.conceal; i++ {
		s := b.steps[i]
		if !s.known || s.Auth != nil {
			continue
		}
		if len(s.Headers) > 0 {
			b.find(s.Name, "sets "+strings.Join(s.Headers, ", ")+" before auth.Conceal, so the concealed route's 404 carries it where an unknown path's does not",
				"put auth.Conceal ahead of "+s.Name)
		} else if codes := revealing(s); codes != "" {
			b.find(s.Name, "runs before auth.Conceal, so its "+codes+" tells a caller without access that the route exists",
				"put auth.Conceal ahead of "+s.Name)
		}
	}
	for i := b.conceal + 1; i < lastCheck; i++ {
		s := b.steps[i]
		if !s.known || s.Auth != nil || s.Require != nil || s.Limit != nil {
			continue
		}
		if codes := revealing(s); codes != "" {
			b.find(s.Name, "runs before the authorization checks of a concealed route, so its "+codes+
				" tells a caller without access that the route exists", "put it after "+b.steps[lastCheck].Name)
		}
	}
	mx, ok := b.w.router.(*chi.Mux)
	if !ok {
		return
	}
	if !sameFunc(mx.MethodNotAllowedHandler(), middleware.MethodNotAllowed) {
		b.find("chi's MethodNotAllowed", "lists the concealed route's method in the Allow header of its 405",
			"install r.MethodNotAllowed(middleware.MethodNotAllowed), which leaves concealed routes out")
	}
	if !sameFunc(mx.NotFoundHandler(), middleware.NotFound) {
		b.find("chi's NotFound", "answers an unknown path with text/plain, where the concealed route answers a problem",
			"install r.NotFound(middleware.NotFound), whose 404 is the one Conceal sends")
	}
}
