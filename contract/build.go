package contract

import (
	"cmp"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/chipattern"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/problem"
)

// step is one middleware of a route, described.
type step struct {
	describe.Middleware
	known    bool       // chiguard's: the description is its own
	declared []Response // the answers of a Declare
}

// answer is an answer before it is resolved in the catalog: at is the
// index of the step that gives it, len(steps) for the handler; by is the
// step it is written from, whose request carries the problem writers of
// the steps before it (the Recoverer answers after the handler, from its
// own step).
type answer struct {
	describe.Response
	at, by   int
	from     string
	declared *Response
}

// routeBuilder gathers what the steps of one route say.
type routeBuilder struct {
	w       walked
	steps   []step
	answers []answer
	catalog *problem.Catalog // the last writer's: the handler's
	writers []int            // steps that install a problem writer
	written []problemWriter  // what each writer writes with
	auth    []int            // Authenticate steps
	conceal int              // the first Conceal step, or -1
	exempt  string           // the Maintenance that exempts the route by its very path, if any
	name    string
	found   []finding
}

func build(router chi.Routes) *Contract {
	ws, routers := walk(router)
	c := &Contract{}
	anyAt := map[string]bool{}    // patterns served for every method
	hidden := map[string][]bool{} // per pattern: concealment of each route
	builders := make([]*routeBuilder, len(ws))
	for i, w := range ws {
		b := newRouteBuilder(w)
		builders[i] = b
		p := chipattern.Path(w.pattern)
		anyAt[p] = anyAt[p] || w.any
		hidden[p] = append(hidden[p], b.conceal >= 0)
	}
	seen := map[string]bool{}
	for _, b := range builders {
		p := chipattern.Path(b.w.pattern)
		method := b.w.method
		if b.w.any {
			// A route served for every method is one route, unless its
			// handler says which methods it serves.
			if d, ok := describeHandler(b.w.handler); ok && len(d.Methods) > 0 {
				if !slices.Contains(d.Methods, method) {
					continue
				}
			} else {
				method = "*"
			}
		}
		if seen[method+" "+p] {
			continue
		}
		seen[method+" "+p] = true
		// The router's 405 answers at the pattern when a method is not
		// served there, unless every route there is concealed: then it
		// is the 404 Conceal already gives.
		open := slices.Contains(hidden[p], false)
		c.Routes = append(c.Routes, b.route(method, p, !anyAt[p] && open && b.conceal < 0))
		c.findings = append(c.findings, b.found...)
		if c.Catalog == nil && len(b.writers) > 0 {
			c.Catalog = b.catalog
		}
	}
	slices.SortFunc(c.Routes, func(a, b Route) int {
		return cmp.Or(strings.Compare(a.Pattern, b.Pattern), cmp.Compare(methodRank(a.Method), methodRank(b.Method)))
	})
	c.findings = append(c.findings, samePaths(c.Routes)...)
	c.Unrouted, _ = unrouted(routers[0])
	for _, m := range routers[1:] {
		if slices.ContainsFunc(routers[1:], func(n mounted) bool { return n.pattern == m.pattern+"/*" }) {
			// A router mounted at "/" in m, spelled as m is, gets every
			// path that m's routes do not serve: m never answers one.
			continue
		}
		rs, concealed := unrouted(m)
		c.Mounts = append(c.Mounts, Mount{Pattern: chipattern.Mount(m.pattern), Unrouted: rs, Concealed: concealed})
	}
	slices.SortStableFunc(c.Mounts, func(a, b Mount) int { return strings.Compare(a.Pattern, b.Pattern) })
	if c.Catalog == nil {
		c.Catalog = defaultCatalog()
	}
	return c
}

func newRouteBuilder(w walked) *routeBuilder {
	b := &routeBuilder{w: w, conceal: -1}
	for i, mw := range w.mws {
		s := describeMiddleware(mw)
		b.steps = append(b.steps, s)
		d := s.Middleware
		switch {
		case d.Writer != nil:
			cat, ok := d.Writer.Catalog.(*problem.Catalog)
			if !ok {
				cat = defaultCatalog()
			}
			b.writers = append(b.writers, i)
			b.written = append(b.written, problemWriter{cat, d.Writer.XML})
			b.catalog = cat // the last one installed writes the handler's answers
		case d.Auth != nil:
			b.auth = append(b.auth, i)
		case d.Conceal && b.conceal < 0:
			b.conceal = i
		}
	}
	if d, ok := describeHandler(w.handler); ok && d.Conceal && b.conceal < 0 {
		// auth.Conceal applied to the handler itself, as in
		// r.Method("PUT", "/flags", auth.Conceal(h)): every step runs
		// before it.
		b.conceal = len(b.steps)
	}
	if b.catalog == nil {
		b.catalog = defaultCatalog()
	}
	return b
}

// problemWriter is what a problem writer writes with: its catalog, and
// whether it sends XML to a client that prefers it.
type problemWriter struct {
	catalog *problem.Catalog
	xml     bool
}

// writerBefore is the problem writer that writes what step i answers: the
// last one installed before it, or problem.DefaultWriter.
func (b *routeBuilder) writerBefore(i int) problemWriter {
	pw := problemWriter{defaultCatalog(), problem.DefaultWriter.XML}
	for j, w := range b.writers {
		if w < i {
			pw = b.written[j]
		}
	}
	return pw
}

// problemMedia are the media types a problem writer sends a problem in,
// as Accept asks: JSON, and XML too with xml.
func problemMedia(xml bool) []string {
	if xml {
		return []string{"application/problem+json", "application/json", "application/problem+xml", "application/xml"}
	}
	return []string{"application/problem+json", "application/json"}
}

func defaultCatalog() *problem.Catalog {
	if problem.DefaultWriter.Catalog != nil {
		return problem.DefaultWriter.Catalog
	}
	return problem.DefaultCatalog
}

// authBefore returns the last Authenticate before step i, or nil.
func (b *routeBuilder) authBefore(i int) *describe.Auth {
	var a *describe.Auth
	for _, j := range b.auth {
		if j < i {
			a = b.steps[j].Auth
		}
	}
	return a
}

func (b *routeBuilder) route(method, pattern string, methodNotAllowed bool) Route {
	r := Route{Method: method, Pattern: pattern, Concealed: b.conceal >= 0}
	b.name = method + " " + pattern
	requires := b.collect(&r, method, true)
	if d, ok := describeHandler(b.w.handler); ok {
		for _, resp := range d.Responses {
			b.answers = append(b.answers, answer{Response: resp, at: len(b.steps), by: len(b.steps), from: d.Name})
		}
	}
	b.concealAnswers()
	if methodNotAllowed {
		b.addMethodNotAllowed()
	}
	r.Parameters = parameters(pattern, b.steps)
	r.Query = queryParameters(b.steps)
	if len(b.auth) > 0 {
		a := b.steps[b.auth[len(b.auth)-1]].Auth
		r.Security = security(a, requires)
		r.Anonymous = a.Anonymous && len(requires) == 0
	} else {
		r.Anonymous = true
	}
	r.Responses = b.resolve()
	if method == http.MethodGet || method == http.MethodHead {
		b.tagSuccess(r.Responses)
	}
	b.check(r)
	return r
}

// collect gathers the answers of the steps, for a request of method
// ("*": any) to the route, and what they say of the route into r. Without
// a handler (a path no route serves) the answers of a handler are left
// out: a Recoverer's, Conditional's and those a Declare declares. It
// returns the authorization checks.
func (b *routeBuilder) collect(r *Route, method string, handler bool) []describe.Require {
	var requires []describe.Require
	for i, s := range b.steps {
		r.Middlewares = append(r.Middlewares, Middleware{Name: s.Name, Opaque: !s.known, BeforeRouting: i < b.w.root})
		if !s.known {
			continue
		}
		if !handler && (s.Recoverer || s.Conditional || s.declared != nil) {
			continue // it answers for a handler, and none runs
		}
		at, by := i, i
		if s.Recoverer {
			at = len(b.steps) // it answers for a panic after it
		}
		// A path below a mount may be its bare path, or have an empty or
		// a dot segment, which Maintenance never exempts: only a route's
		// pattern can be exempt.
		if s.Maintenance != nil && handler && exemptRoute(s.Maintenance.Exempt, b.w.pattern) {
			// Only one that runs before routing answers unknown paths too.
			if i < b.w.routed && slices.Contains(s.Maintenance.Exempt, chipattern.Path(b.w.pattern)) &&
				!exemptByPrefix(s.Maintenance.Exempt, chipattern.Path(b.w.pattern)) {
				b.exempt = s.Name
			}
			continue
		}
		auth := b.authBefore(i)
		for _, resp := range s.Responses {
			if resp.Methods != nil && method != "*" && !slices.Contains(resp.Methods, method) {
				continue
			}
			if resp.Anonymous && (auth == nil || !auth.Anonymous) {
				continue
			}
			b.answers = append(b.answers, answer{Response: resp, at: at, by: by, from: s.Name})
		}
		for j := range s.declared {
			d := &s.declared[j]
			b.answers = append(b.answers, answer{Response: describe.Response{Status: d.Status, Type: d.Type,
				Title: d.Title, Detail: d.Description, Headers: d.Headers}, at: i, by: len(b.steps), from: s.Name, declared: d})
		}
		switch {
		case s.Auth != nil:
			if t := s.Auth.Throttle; t != nil {
				b.addThrottle(i, t)
				r.Limits = append(r.Limits, limits(t.Limit)...)
			}
		case s.Require != nil:
			requires = append(requires, *s.Require)
			if s.Require.Kind != "" {
				r.Kind = s.Require.Kind
			}
		case s.Offers != nil:
			r.Produces = slices.Clone(s.Offers)
		case s.Limit != nil:
			r.Limits = append(r.Limits, limits(s.Limit)...)
		case s.Body != nil:
			r.Body = &Body{Type: s.Body.Type, MediaTypes: slices.Clone(s.Body.MediaTypes), MaxBytes: s.Body.MaxBytes,
				Schema: schemaJSON(s.Body.Type, s.Body.AllowUnknownFields)}
		}
	}
	return requires
}

// concealAnswers makes the concealable refusals after Conceal its 404.
func (b *routeBuilder) concealAnswers() {
	if b.conceal < 0 {
		return
	}
	kept := b.answers[:0]
	for _, a := range b.answers {
		if !a.Concealable || a.at < b.conceal {
			kept = append(kept, a)
		}
	}
	b.answers = append(kept, answer{Response: describe.Response{Status: http.StatusNotFound, Type: problem.TypeNotFound,
		Detail: "a refusal of the concealed route"}, at: b.conceal, by: b.conceal, from: "auth.Conceal"})
}

// addThrottle adds the refusals of Authenticate's failure throttle at
// step i, and its RateLimit fields (and legacy ones, if it sends them) to
// the refusals of failed checks.
func (b *routeBuilder) addThrottle(i int, t *describe.Middleware) {
	var fields []string
	if t.Limit != nil {
		fields = t.Limit.Fields
	}
	for j := range b.answers {
		if a := &b.answers[j]; a.at == i && !a.Anonymous && (a.Status == http.StatusUnauthorized || a.Status == http.StatusBadRequest) {
			a.Headers = append(slices.Clone(a.Headers), fields...)
		}
	}
	for _, resp := range t.Responses {
		b.answers = append(b.answers, answer{Response: resp, at: i, by: i, from: t.Name})
	}
}

// addMethodNotAllowed adds the 405 of the router that routes the route.
func (b *routeBuilder) addMethodNotAllowed() {
	resp := describe.Response{Status: http.StatusMethodNotAllowed, Headers: []string{"Allow"},
		Detail: "the path is served, but not for the request's method", Plain: true}
	from := "chi's MethodNotAllowed"
	if mx, ok := b.w.router.(*chi.Mux); ok {
		switch h := mx.MethodNotAllowedHandler(); {
		case sameFunc(h, middleware.MethodNotAllowed):
			resp.Type, resp.Plain, from = problem.TypeMethodNotAllowed, false, "middleware.MethodNotAllowed"
		case !chisOwn(mx, "methodNotAllowedHandler"):
			resp.Headers, resp.Plain, resp.Opaque, from = nil, false, true, funcName(h)
		}
	}
	b.answers = append(b.answers, answer{Response: resp, at: b.w.routed, by: b.w.routed, from: from})
}

// chisOwn reports whether mx answers with chi's own handler of the field
// (notFoundHandler, methodNotAllowedHandler): none is set. chi's default
// 405 is a closure, which the compiler copies into each caller it is
// inlined in, so its code cannot be compared; the field says it.
func chisOwn(mx *chi.Mux, field string) bool {
	f := reflect.ValueOf(mx).Elem().FieldByName(field)
	return f.IsValid() && f.Kind() == reflect.Func && f.IsNil()
}

func limits(l *describe.Limit) []Limit {
	var out []Limit
	for _, p := range l.Policies {
		out = append(out, Limit{Policy: p.Name, Quota: p.Quota, Window: p.Window, Key: slices.Clone(l.Keys), Failures: l.Failures})
	}
	return out
}

// resolve turns the answers into responses: types resolved in the
// catalog, one response per status and type, headers of the steps before
// each answer added.
func (b *routeBuilder) resolve() []Response {
	var out []Response
	for _, a := range b.answers {
		pw := b.writerBefore(a.by)
		resp := b.resolveOne(a.Response, a.from, pw.catalog)
		if d := a.declared; d != nil {
			resp.Description = cmp.Or(d.Description, resp.Description)
			resp.Schema = d.Schema
			resp.MediaTypes = slices.Clone(d.MediaTypes)
		}
		if resp.Type != "" {
			resp.MediaTypes = problemMedia(pw.xml) // the writer's, whatever a declaration says
		}
		cause := Cause{Middleware: a.from, When: a.Detail}
		headers := slices.Clone(a.Headers)
		if resp.Type != "" {
			headers = append(headers, "Vary") // the problem writer's Vary: Accept
		}
		for j, s := range b.steps {
			if j <= a.at && s.known {
				headers = append(headers, s.Headers...)
			}
		}
		i := slices.IndexFunc(out, func(o Response) bool { return o.Status == resp.Status && o.Type == resp.Type })
		if i < 0 {
			resp.Causes = []Cause{cause}
			resp.Headers = headerSet(headers)
			out = append(out, resp)
			continue
		}
		if !slices.Contains(out[i].Causes, cause) {
			out[i].Causes = append(out[i].Causes, cause)
		}
		out[i].Opaque = out[i].Opaque || resp.Opaque
		out[i].MediaTypes = uniq(append(out[i].MediaTypes, resp.MediaTypes...))
		out[i].Headers = headerSet(append(out[i].Headers, headers...))
	}
	slices.SortStableFunc(out, func(x, y Response) int {
		return cmp.Or(cmp.Compare(x.Status, y.Status), strings.Compare(x.Type, y.Type))
	})
	return out
}

// headerSet is a response's header names once each, sorted: one order on
// every row of the docs.
func headerSet(h []string) []string {
	slices.Sort(h)
	return slices.Compact(h)
}

// resolveOne finds a response's type in cat, the catalog of the problem
// writer that writes it, as that writer does.
func (b *routeBuilder) resolveOne(d describe.Response, from string, cat *problem.Catalog) Response {
	r := Response{Status: d.Status, Title: d.Title, Opaque: d.Opaque, MediaTypes: slices.Clone(d.MediaTypes)}
	if d.Plain || d.Opaque || d.Status < 400 && d.Type == "" {
		r.Title = cmp.Or(r.Title, http.StatusText(d.Status))
		return r
	}
	var t problem.Type
	var ok bool
	switch {
	case d.Type == "":
		t, ok = cat.ForStatus(d.Status)
	default:
		t, ok = cat.Lookup(d.Type)
	}
	switch {
	case ok:
		r.Type, r.Title, r.Description = cat.URI(t), t.Title, t.Description
	case d.Type == "":
		r.Type = "about:blank"
		r.Title = cmp.Or(r.Title, http.StatusText(d.Status))
	default:
		// Written as the Writer writes a type its catalog lacks: a default
		// type keeps its own URI and title.
		r.Type = d.Type
		if isSlug(d.Type) {
			r.Type = cat.Base() + d.Type
		}
		if t, ok := defaultType(d.Type); ok {
			r.Type, r.Title = cat.URI(t), cmp.Or(r.Title, t.Title)
		}
		b.unregistered(from, r.Type, d.Type)
	}
	if r.Title == "" {
		r.Title = http.StatusText(d.Status)
	}
	return r
}

// parameters lists the path parameters of pattern, typed by the
// ValidatePath steps.
func parameters(pattern string, steps []step) []Parameter {
	var ps []Parameter
	names, regexps := patternParamRegexps(pattern)
	for i, name := range names {
		last, types := checkedTypes(steps, "path", name)
		ps = append(ps, Parameter{Name: name, In: "path", Type: last, Schema: paramSchema(types, regexps[i])})
	}
	return ps
}

// queryParameters lists the query parameters the steps check
// (bind.ValidateQuery), in the order first checked, typed by every check.
func queryParameters(steps []step) []Parameter {
	var ps []Parameter
	for _, s := range steps {
		for _, sp := range s.Params {
			if sp.In == "query" && !slices.ContainsFunc(ps, func(p Parameter) bool { return p.Name == sp.Name }) {
				last, types := checkedTypes(steps, "query", sp.Name)
				ps = append(ps, Parameter{Name: sp.Name, In: "query", Type: last, Schema: paramSchema(types, "")})
			}
		}
	}
	return ps
}

// checkedTypes returns the types the steps parse the parameter into: the
// last one, and each once, since every check applies and a value passes
// them all.
func checkedTypes(steps []step, in, name string) (last reflect.Type, all []reflect.Type) {
	for _, s := range steps {
		for _, sp := range s.Params {
			if sp.In == in && sp.Name == name {
				last = sp.Type
				if !slices.Contains(all, sp.Type) {
					all = append(all, sp.Type)
				}
			}
		}
	}
	return last, all
}

// patternParams returns the names of the parameters of a chi pattern;
// "*" for a catch-all.
func patternParams(pattern string) []string {
	names, _ := patternParamRegexps(pattern)
	return names
}

// patternParamRegexps returns the names of the parameters of a chi
// pattern, "*" for a catch-all, and the regexp of each, "" for none: one
// per parameter, as a mount and a route below it may name theirs alike.
func patternParamRegexps(pattern string) (names, regexps []string) {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '{':
			end := chipattern.ClosingBrace(pattern, i)
			name, re, _ := strings.Cut(pattern[i+1:end], ":")
			names, regexps = append(names, name), append(regexps, re)
			i = end
		case '*':
			names, regexps = append(names, "*"), append(regexps, "")
		}
	}
	return names, regexps
}

// security lists the requirements of a route: each scheme of a, with each
// set of scopes that satisfies the authorization checks.
func security(a *describe.Auth, requires []describe.Require) []Requirement {
	alts := [][]string{nil}
	for _, rq := range requires {
		switch {
		case len(rq.Scopes) == 0:
		case rq.Any:
			var next [][]string
			for _, alt := range alts {
				for _, s := range rq.Scopes {
					next = append(next, uniq(append(slices.Clone(alt), s)))
				}
			}
			alts = next
		default:
			for i := range alts {
				alts[i] = uniq(append(alts[i], rq.Scopes...))
			}
		}
	}
	for i := range alts {
		slices.Sort(alts[i])
	}
	alts = slices.CompactFunc(alts, slices.Equal)
	var out []Requirement
	for _, s := range usable(a.Schemes, requires) {
		format := ""
		if s.Verifier == "jwt" || s.Verifier == "jwks" {
			format = "JWT"
		}
		for _, alt := range alts {
			out = append(out, Requirement{Scheme: s.Name, Scopes: slices.Clone(alt), Format: format, Realm: a.Realm})
			if a.Query != "" && strings.EqualFold(s.Name, "Bearer") {
				out = append(out, Requirement{Scheme: s.Name, Scopes: slices.Clone(alt), Query: a.Query, Format: format, Realm: a.Realm})
			}
		}
	}
	return out
}

// usable are the schemes whose credentials can get past requires: API
// keys authenticate apps only, which a route for users refuses, unless no
// scheme is left (Check reports that route).
func usable(schemes []describe.Scheme, requires []describe.Require) []describe.Scheme {
	if !slices.ContainsFunc(requires, func(rq describe.Require) bool { return rq.Kind == "user" }) {
		return schemes
	}
	users := slices.DeleteFunc(slices.Clone(schemes), appsOnly)
	if len(users) == 0 {
		return schemes
	}
	return users
}

// appsOnly reports whether every principal s authenticates is an app's.
func appsOnly(s describe.Scheme) bool { return s.Verifier == "apikeys" }

// exemptRoute reports whether maintenance lets every path of the route of
// chi's pattern p through: a subrouter's "/" route serves its mount's path
// both with and without the slash.
func exemptRoute(exempts []string, p string) bool {
	path := chipattern.Path(p)
	if strings.HasSuffix(p, "/*/") && path != "/" && !exempt(exempts, path+"/") {
		return false
	}
	return exempt(exempts, path)
}

// exemptByPrefix reports whether an entry ending in "*" exempts path, and
// so the unknown paths around it too.
func exemptByPrefix(exempts []string, path string) bool {
	return slices.ContainsFunc(exempts, func(e string) bool {
		prefix, ok := strings.CutSuffix(e, "*")
		return ok && strings.HasPrefix(path, prefix)
	})
}

// exempt reports whether maintenance lets every path of pattern through.
func exempt(exempts []string, pattern string) bool {
	literal := pattern
	if i := strings.IndexAny(pattern, "{*"); i >= 0 {
		literal = pattern[:i]
	}
	for _, e := range exempts {
		if prefix, ok := strings.CutSuffix(e, "*"); ok {
			if strings.HasPrefix(literal, prefix) {
				return true
			}
		} else if e == pattern && literal == pattern {
			return true
		}
	}
	return false
}

// unrouted is what a path that no route of m serves gets: the refusals
// of the middlewares that run before m routes, and m's 404; and whether
// one of those is auth.Conceal.
func unrouted(m mounted) ([]Response, bool) {
	b := newRouteBuilder(walked{pattern: m.pattern, mws: m.mws, root: m.root, routed: len(m.mws), router: m.router})
	var r Route
	b.collect(&r, "*", false)
	nf := describe.Response{Status: http.StatusNotFound, Detail: "no route serves the path", Plain: true}
	from := "chi's NotFound"
	if mx, ok := m.router.(*chi.Mux); ok {
		switch h := mx.NotFoundHandler(); {
		case sameFunc(h, middleware.NotFound):
			nf.Type, nf.Plain, from = problem.TypeNotFound, false, "middleware.NotFound"
		case !sameFunc(h, http.NotFound) && !chisOwn(mx, "notFoundHandler"):
			nf.Plain, nf.Opaque, from = false, true, funcName(h)
		}
	}
	b.answers = append(b.answers, answer{Response: nf, at: len(b.steps), by: len(b.steps), from: from})
	b.concealAnswers()
	return b.resolve(), b.conceal >= 0
}

var methodOrder = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "QUERY", "OPTIONS", "CONNECT", "TRACE", "*"}

func methodRank(m string) int {
	if i := slices.Index(methodOrder, m); i >= 0 {
		return i
	}
	return len(methodOrder)
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// defaultType finds a type of problem.DefaultTypes by slug or URI.
func defaultType(slugOrURI string) (problem.Type, bool) {
	for _, t := range problem.DefaultTypes() {
		if t.Slug == slugOrURI || t.URI != "" && t.URI == slugOrURI {
			return t, true
		}
	}
	return problem.Type{}, false
}

func isSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// samePaths finds the routes whose patterns differ only by their
// parameters' names and regexps, or a wildcard for a parameter: OpenAPI
// spells them as one path ("/item/{id}", "/item/{slug}" and "/item/*" are
// one to it), where only the first can be described.
func samePaths(routes []Route) []finding {
	var out []finding
	first := map[string]string{}
	for _, r := range routes {
		k := r.Method + " " + chipattern.Shape(openAPIPath(r.Pattern))
		if p, ok := first[k]; !ok {
			first[k] = r.Pattern
		} else if p != r.Pattern {
			out = append(out, finding{r.Method + " " + r.Pattern, "the router",
				"serves a pattern that OpenAPI spells as the same path as " + p + " (a parameter's name and regexp, and a wildcard, are all one to it), so the document describes only " + p,
				"serve both from one pattern and tell the cases apart in the handler, or give them different paths"})
		}
	}
	return out
}

// tagSuccess adds ETag to the 200 of a GET or HEAD route behind
// middleware.Conditional, which tags every 200 it lets through.
func (b *routeBuilder) tagSuccess(rs []Response) {
	if !slices.ContainsFunc(b.steps, func(s step) bool { return s.known && s.Conditional }) {
		return
	}
	for i := range rs {
		if rs[i].Status == http.StatusOK && rs[i].Type == "" {
			rs[i].Headers = headerSet(append(rs[i].Headers, "ETag"))
		}
	}
}
