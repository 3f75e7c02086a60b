package contract

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/internal/chipattern"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/serverurl"
	"github.com/chiguard/chiguard/problem"
)

// Info is what an OpenAPI document says of the API as a whole.
type Info struct {
	Title       string
	Version     string
	Description string
	// Concealed includes the concealed routes, which a document for the
	// public leaves out: listing them would tell what Conceal hides.
	Concealed bool
	// Servers are where the router is served, and what each one is, such
	// as "production". A path in the first one's URL ("/v1" of
	// "https://api.example.com/v1") is where the router's patterns
	// start: the document's paths leave it out, as OpenAPI appends them
	// to the server's URL, and a route outside it (the path itself, whose
	// "/" below it would be base+"/", included) gets the URLs' origins as
	// its own servers (all routes do, written whole, if one below it and
	// one outside it would be the same path). The router serves the same
	// patterns at every server, so a server whose URL has another path,
	// or none, serves them below its origin: the paths below the first
	// one's get servers of their own, that origin with the first one's
	// path ("https://staging.example.com/v2" lists them at
	// "https://staging.example.com/v1"); an origin keeps the variables of
	// its URL ("https://{env}.example.com"). Empty means the origin of
	// the catalog's base (see problem.Catalog.OpenAPI), a guess wherever
	// the problem docs are served from another host than the API.
	Servers []problem.OpenAPIServer
}

// OpenAPI returns the OpenAPI 3.1 document of the router, built on the
// catalog's (problem.Catalog.OpenAPI, whose components are the problem
// types): a path item per pattern, with an operation per route, its
// security requirements, path parameters, request body and every answer
// the contract knows, each problem answer the catalog's response for its
// type with the route's headers added; a security scheme per
// Authorization scheme. Routes served for every method get an operation
// for each method OpenAPI names. HEAD, which a GET of the same path
// covers, is listed only where there is no GET. The document is the caller's: add to it before marshalling
// it with encoding/json.
func (c *Contract) OpenAPI(info Info) *problem.OpenAPI {
	catalog := c.Catalog
	if catalog == nil {
		catalog = defaultCatalog()
	}
	doc := catalog.OpenAPI()
	doc.Info = problem.OpenAPIInfo{Title: cmp.Or(info.Title, "API"), Version: cmp.Or(info.Version, "1"), Description: info.Description}
	if len(info.Servers) > 0 {
		doc.Servers = slices.Clone(info.Servers)
	}
	if doc.Components.Headers == nil {
		doc.Components.Headers = map[string]any{}
	}
	g := &openapi{doc: doc, catalog: catalog, schemes: map[string]any{}, ids: map[string]bool{}}
	shapes := map[string]string{} // path template with its names dropped: the path that has it
	base, _ := serverBase(doc.Servers)
	listed := func(r Route) bool { return !r.Concealed || info.Concealed }
	// A route below the base and one outside it that would be one path
	// ("/v1/x" and "/x" both "/x"): none is written below the base, all
	// get the origin as their server.
	noneBelow := base != "" && belowCollides(c.Routes, base, listed)
	for _, r := range c.Routes {
		if !listed(r) {
			continue
		}
		pattern, elsewhere := r.Pattern, false
		if noneBelow {
			elsewhere = true
		} else if base != "" {
			pattern, elsewhere = belowBase(pattern, base)
		}
		// OpenAPI holds templates that differ only by their parameters'
		// names to be one path ("/a/{x}" and "/a/{y}", a catch-all's
		// "/files/{path}" and "/files/{id}"): the first route's names
		// keep it.
		path := openAPIPath(pattern)
		if p, ok := shapes[chipattern.Shape(path)]; ok {
			path = p
		} else {
			shapes[chipattern.Shape(path)] = path
		}
		item, _ := doc.Paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			if s := itemServers(doc.Servers, base, elsewhere); s != nil {
				item["servers"] = s
			}
			doc.Paths[path] = item
		}
		methods := []string{r.Method}
		if r.Method == "*" {
			methods = openAPIMethods
		}
		for _, m := range methods {
			if r.Method == "*" && servesMethod(c.Routes, r.Pattern, m) {
				continue // a route of its own, registered after Handle
			}
			// Patterns that differ only by their regexps share a path:
			// the first route keeps it, and Check says so. The others'
			// answers are the operation's too, since the path serves them.
			if op, taken := item[strings.ToLower(m)].(map[string]any); taken {
				responses := op["responses"].(map[string]any)
				for status, resp := range g.responses(r) {
					if _, ok := responses[status]; !ok && status != "default" {
						responses[status] = resp
						delete(responses, "default")
					}
				}
				continue
			}
			if slices.Contains(openAPIMethods, m) && !(m == "HEAD" && servesGet(c.Routes, r.Pattern)) {
				item[strings.ToLower(m)] = g.operation(r, m, path)
			}
		}
	}
	if len(g.schemes) > 0 {
		doc.Components.SecuritySchemes = g.schemes
	}
	return doc
}

// serverBase is the path of the first server's URL, its variables at
// their defaults, without a trailing slash: OpenAPI appends a document's
// paths to it, so the router's patterns below it are written without it.
// origin is that URL without its path ("/" for a relative one). base is
// "" when there is no path.
func serverBase(servers []problem.OpenAPIServer) (base, origin string) {
	if len(servers) == 0 {
		return "", ""
	}
	defaults := map[string]string{}
	for name, v := range servers[0].Variables {
		defaults[name] = v.Default
	}
	base, origin, ok := serverurl.Split(servers[0].URL, defaults)
	if !ok {
		return "", ""
	}
	return base, origin
}

// itemServers are the servers of a path item, where they are not the
// document's: the router serves its patterns below each server's origin,
// whatever the path of the server's URL, so a path written below base
// (the first server's path) is at origin+base of a server with another
// path or none, and one written whole (elsewhere) is at each origin.
func itemServers(servers []problem.OpenAPIServer, base string, elsewhere bool) []problem.OpenAPIServer {
	var out []problem.OpenAPIServer
	own := elsewhere
	for _, s := range servers {
		defaults := map[string]string{}
		for name, v := range s.Variables {
			defaults[name] = v.Default
		}
		path, _, ok := serverurl.Split(s.URL, defaults)
		origin := serverurl.Origin(s.URL)
		switch {
		case !ok || !elsewhere && path == base:
		case elsewhere:
			s = problem.OpenAPIServer{URL: origin, Description: s.Description, Variables: variablesIn(origin, s.Variables)}
		default:
			u := strings.TrimSuffix(origin, "/") + base
			s, own = problem.OpenAPIServer{URL: u, Description: s.Description, Variables: variablesIn(u, s.Variables)}, true
		}
		if !slices.ContainsFunc(out, func(o problem.OpenAPIServer) bool { return o.URL == s.URL && sameVariables(o, s) }) {
			out = append(out, s)
		}
	}
	if !own {
		return nil // the document's servers, as they are
	}
	return out
}

// variablesIn are those of vars that url has, nil for none: a server's
// URL cut to its origin keeps the variables of its host.
func variablesIn(url string, vars map[string]problem.OpenAPIServerVariable) map[string]problem.OpenAPIServerVariable {
	var out map[string]problem.OpenAPIServerVariable
	for name, v := range vars {
		if strings.Contains(url, "{"+name+"}") {
			if out == nil {
				out = map[string]problem.OpenAPIServerVariable{}
			}
			out[name] = v
		}
	}
	return out
}

// sameVariables reports whether servers a and b have the same variables.
func sameVariables(a, b problem.OpenAPIServer) bool {
	return maps.EqualFunc(a.Variables, b.Variables, func(x, y problem.OpenAPIServerVariable) bool {
		return x.Default == y.Default && x.Description == y.Description && slices.Equal(x.Enum, y.Enum)
	})
}

// belowBase is pattern without base if it is below it, else pattern
// itself, elsewhere. The base itself is no path below it: "/" there is
// base+"/".
func belowBase(pattern, base string) (string, bool) {
	if rest, ok := strings.CutPrefix(pattern, base); ok && rest != "" && rest[0] == '/' {
		return rest, false
	}
	return pattern, true
}

// belowCollides reports whether a listed route below base and one outside
// it have the same path once base is left out of the first.
func belowCollides(routes []Route, base string, listed func(Route) bool) bool {
	where := map[string]bool{} // a path's shape: whether it is outside base
	for _, r := range routes {
		if !listed(r) {
			continue
		}
		pattern, elsewhere := belowBase(r.Pattern, base)
		shape := chipattern.Shape(openAPIPath(pattern))
		if e, ok := where[shape]; ok && e != elsewhere {
			return true
		}
		where[shape] = elsewhere
	}
	return false
}

// servesGet reports whether a route serves GET at pattern: its HEAD is
// the GET without the body (RFC 9110 §9.3.2), and is not listed apart.
func servesGet(routes []Route, pattern string) bool { return servesMethod(routes, pattern, "GET") }

// servesMethod reports whether a route of method itself serves pattern.
func servesMethod(routes []Route, pattern, method string) bool {
	return slices.ContainsFunc(routes, func(r Route) bool { return r.Pattern == pattern && r.Method == method })
}

var openAPIMethods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}

// openapi builds the operations of one document.
type openapi struct {
	doc     *problem.OpenAPI
	catalog *problem.Catalog
	schemes map[string]any
	ids     map[string]bool
}

// catalogResponse returns the catalog's response for the type uri, and
// the name of its schema.
func (g *openapi) catalogResponse(uri string) (resp map[string]any, schema string) {
	t, ok := g.catalog.Lookup(uri)
	if !ok {
		return nil, ""
	}
	resp, _ = g.doc.Components.Responses[t.Slug].(map[string]any)
	content, _ := resp["content"].(map[string]any)
	media, _ := content["application/problem+json"].(map[string]any)
	ref, _ := media["schema"].(map[string]any)
	schema, _ = ref["$ref"].(string)
	return resp, schema
}

// openAPIPath turns a chi pattern into an OpenAPI path template:
// regexps leave the parameters, and a catch-all becomes {path} (see
// catchAllName). A name already in the template takes a "_" more: chi lets
// a mount and a route below it share one ("/users/{id}/posts/{id}"),
// OpenAPI names each parameter of a path once.
func openAPIPath(pattern string) string {
	var b strings.Builder
	used := map[string]bool{}
	param := func(name string) {
		for used[name] {
			name += "_"
		}
		used[name] = true
		b.WriteString("{" + name + "}")
	}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '{':
			end := chipattern.ClosingBrace(pattern, i)
			name, _, _ := strings.Cut(pattern[i+1:end], ":")
			param(name)
			i = end
		case '*':
			param("path")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// catchAllName names chi's "*" parameter in the OpenAPI path of pattern:
// "path", or "path_", "path__"... when a parameter of pattern has that name.
func catchAllName(pattern string) string {
	name := "path"
	for strings.Contains(pattern, "{"+name+"}") || strings.Contains(pattern, "{"+name+":") {
		name += "_"
	}
	return name
}

// templateNames returns the names of a path template's parameters.
func templateNames(path string) []string {
	var names []string
	for _, part := range strings.SplitAfter(path, "}") {
		if i := strings.IndexByte(part, '{'); i >= 0 && strings.HasSuffix(part, "}") {
			names = append(names, part[i+1:len(part)-1])
		}
	}
	return names
}

// operation is the operation of r for method, at path, which is r's
// pattern or one of the same shape whose names r's parameters take.
func (g *openapi) operation(r Route, method, path string) map[string]any {
	id := operationID(method, path)
	for base, n := id, 2; g.ids[id]; n++ {
		id = base + "_" + strconv.Itoa(n)
	}
	g.ids[id] = true
	op := map[string]any{"operationId": id}
	if d := needs(r); d != "" {
		op["description"] = d
	}
	if sec := g.security(r); sec != nil {
		op["security"] = sec
	}
	var params []any
	names := templateNames(path)
	for i, p := range r.Parameters {
		name, desc := p.Name, ""
		if name == "*" {
			name, desc = catchAllName(r.Pattern), "The rest of the path, which may hold '/'."
		}
		if len(names) == len(r.Parameters) {
			name = names[i]
		}
		pm := map[string]any{"name": name, "in": "path", "required": true, "schema": json.RawMessage(p.Schema)}
		if desc != "" {
			pm["description"] = desc
		}
		params = append(params, pm)
	}
	for _, p := range r.Query {
		params = append(params, map[string]any{"name": p.Name, "in": "query", "schema": json.RawMessage(p.Schema)})
	}
	if params != nil {
		op["parameters"] = params
	}
	if b := r.Body; b != nil {
		content := map[string]any{}
		for _, mt := range b.MediaTypes {
			content[mt] = map[string]any{"schema": json.RawMessage(b.Schema)}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content,
			"description": "At most " + strconv.FormatInt(b.MaxBytes, 10) + " bytes."}
	}
	op["responses"] = g.responses(r)
	return op
}

// responses are the OpenAPI responses of r's answers.
func (g *openapi) responses(r Route) map[string]any {
	responses := map[string]any{}
	for _, status := range statuses(r.Responses) {
		var same []Response
		for _, resp := range r.Responses {
			if resp.Status == status {
				same = append(same, resp)
			}
		}
		responses[strconv.Itoa(status)] = g.response(r, same)
	}
	if len(responses) == 0 {
		responses["default"] = map[string]any{"description": "The contract knows no answer of this route."}
	}
	return responses
}

func statuses(rs []Response) []int {
	var out []int
	for _, r := range rs {
		if !slices.Contains(out, r.Status) {
			out = append(out, r.Status)
		}
	}
	return out
}

// operationID is the method and the path's words: "get_cloud_cloudPk".
func operationID(method, pattern string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	if method == "*" {
		b.Reset()
		b.WriteString("any")
	}
	sep := true
	for _, c := range pattern {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			if sep {
				b.WriteByte('_')
			}
			b.WriteRune(c)
			sep = false
		} else {
			sep = true
		}
	}
	return b.String()
}

// needs says in words what a route needs and counts.
func needs(r Route) string {
	f := facts(r)
	var parts []string
	switch {
	case f.credentials == "":
	case r.Anonymous:
		parts = append(parts, "Serves anonymous callers too; others send "+f.credentials+".")
	default:
		who := "credentials"
		if r.Kind != "" {
			who = "the credentials of " + article(r.Kind) + " " + r.Kind
		}
		parts = append(parts, "Needs "+who+": "+f.credentials+".")
	}
	if r.Concealed {
		parts = append(parts, "Concealed: every refusal is the 404 of an unknown path.")
	}
	parts = append(parts, f.limits...)
	if f.produces != "" {
		parts = append(parts, "Answers in "+f.produces+".")
	}
	return strings.Join(parts, " ")
}

func article(kind string) string {
	if kind == "app" {
		return "an"
	}
	return "a"
}

// routeFacts are what the docs say of a route: the credentials it takes
// ("Bearer (JWT), with the scope cloud:read"), its limits, one sentence
// each, and its media types.
type routeFacts struct {
	credentials string
	limits      []string
	produces    string
}

func facts(r Route) routeFacts {
	var f routeFacts
	if len(r.Security) > 0 {
		var schemes, alts []string
		notes := map[string][]string{}
		for _, s := range r.Security {
			if !slices.Contains(schemes, s.Scheme) {
				schemes = append(schemes, s.Scheme)
			}
			if s.Format != "" {
				notes[s.Scheme] = uniq(append(notes[s.Scheme], s.Format))
			}
			if s.Query != "" {
				notes[s.Scheme] = uniq(append(notes[s.Scheme], "also in the "+s.Query+" query parameter"))
			}
			switch len(s.Scopes) {
			case 0:
			case 1:
				alts = append(alts, "the scope "+s.Scopes[0])
			default:
				alts = append(alts, "the scopes "+strings.Join(s.Scopes, " and "))
			}
		}
		for i, name := range schemes {
			if n := notes[name]; len(n) > 0 {
				schemes[i] = name + " (" + strings.Join(n, "; ") + ")"
			}
		}
		f.credentials = strings.Join(schemes, ", or ")
		if alts = uniq(alts); len(alts) > 0 {
			f.credentials += ", with " + strings.Join(alts, ", or ")
		}
	}
	for _, l := range r.Limits {
		what := "requests"
		if l.Failures {
			what = "failed credential checks"
		}
		f.limits = append(f.limits, fmt.Sprintf("Rate limit %q: %d %s per %s, counted by %s.", l.Policy, l.Quota, what,
			shortDuration(l.Window), keyWords(l.Key)))
	}
	f.produces = strings.Join(r.Produces, ", ")
	return f
}

// shortDuration writes 1m for a minute, 1h30m for ninety.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// keyWords says what a limit counts by.
func keyWords(key []string) string {
	words := map[string]string{"principal-or-ip": "principal (client IP for anonymous callers)", "principal": "principal",
		"ip": "client IP", "ip-prefix": "client network", "route": "route", "constant": "a constant", "custom": "a custom key"}
	var out []string
	for _, k := range key {
		out = append(out, cmp.Or(words[k], k))
	}
	return strings.Join(out, " and ")
}

func (g *openapi) security(r Route) []any {
	if len(r.Security) == 0 {
		return nil
	}
	var out []any
	for _, s := range r.Security {
		name := s.Scheme
		scheme := map[string]any{"type": "http", "scheme": s.Scheme}
		switch {
		case s.Query != "":
			name += "Query"
			scheme = map[string]any{"type": "apiKey", "in": "query", "name": s.Query,
				"description": "The " + s.Scheme + " credentials in the " + s.Query + " query parameter (RFC 6750 §2.3)."}
		case strings.EqualFold(s.Scheme, "Bearer"):
			scheme["scheme"] = "bearer"
			if s.Format != "" {
				scheme["bearerFormat"] = s.Format
			}
		default:
			scheme["description"] = "Send `Authorization: " + s.Scheme + " <credentials>`."
		}
		if s.Realm != "" && s.Query == "" {
			scheme["description"] = strings.TrimSpace(str(scheme["description"]) + " Challenges name the realm " + strconv.Quote(s.Realm) + ".")
		}
		g.schemes[name] = scheme
		scopes := s.Scopes
		if scopes == nil {
			scopes = []string{}
		}
		out = append(out, map[string]any{name: scopes})
	}
	if r.Anonymous {
		out = append(out, map[string]any{})
	}
	return out
}

// response is the OpenAPI response of the answers of one status.
func (g *openapi) response(r Route, same []Response) map[string]any {
	var whens []string
	for _, a := range same {
		for _, c := range a.Causes {
			// An answer that is no problem says its Description itself;
			// a problem's text is its catalog type's, and what a handler
			// declared of it is said here.
			if c.When != "" && (a.Type != "" || c.When != a.Description) {
				whens = append(whens, strings.TrimSuffix(c.When, "."))
			}
		}
	}
	when := ""
	if whens = uniq(whens); len(whens) > 0 {
		when = " Here: " + strings.Join(whens, "; ") + "."
	}
	var resp map[string]any
	var problems []Response
	for _, a := range same {
		if a.Type != "" {
			problems = append(problems, a)
		}
	}
	if len(problems) == 1 {
		if base, _ := g.catalogResponse(problems[0].Type); base != nil {
			resp = deepCopy(base)
			resp["description"] = str(resp["description"]) + when
		}
	}
	switch {
	case resp != nil:
	case len(problems) > 0:
		var schemas []any
		var titles []string
		for _, p := range problems {
			if _, ref := g.catalogResponse(p.Type); ref != "" {
				schemas = append(schemas, map[string]any{"$ref": ref})
			} else {
				schemas = append(schemas, map[string]any{"allOf": []any{
					map[string]any{"$ref": "#/components/schemas/Problem"},
					map[string]any{"properties": map[string]any{"type": map[string]any{"const": p.Type},
						"status": map[string]any{"const": p.Status}}},
				}})
			}
			titles = append(titles, p.Title)
		}
		schema := schemas[0]
		if len(schemas) > 1 {
			schema = map[string]any{"oneOf": schemas}
		}
		// As the catalog's responses: the writer sends application/json to
		// a client that accepts it and not application/problem+json.
		media := map[string]any{"schema": schema}
		resp = map[string]any{"description": strings.Join(uniq(titles), ", or ") + "." + when,
			"content": map[string]any{"application/problem+json": media, "application/json": media}}
	default:
		a := same[0]
		resp = map[string]any{"description": strings.TrimSpace(cmp.Or(a.Description, a.Title+".") + when)}
		// A success lists the media types its handler writes or Negotiate
		// offers, with the declared schema if there is one.
		media := successMedia(r, a)
		if a.Schema != nil || len(media) > 0 {
			content := map[string]any{}
			if len(media) == 0 {
				media = []string{"application/json"}
			}
			for _, mt := range media {
				if a.Schema != nil {
					content[mt] = map[string]any{"schema": a.Schema}
				} else {
					content[mt] = map[string]any{}
				}
			}
			resp["content"] = content
		}
	}
	if len(problems) > 0 {
		addProblemMedia(resp, problems)
	}
	headers, _ := resp["headers"].(map[string]any)
	if headers == nil {
		headers = map[string]any{}
	}
	for _, a := range same {
		for _, h := range a.Headers {
			has := false
			for k := range headers {
				has = has || strings.EqualFold(k, h)
			}
			if !has {
				headers[h] = map[string]any{"$ref": "#/components/headers/" + g.header(h)}
			}
		}
	}
	if len(headers) > 0 {
		resp["headers"] = headers
	}
	return resp
}

// addProblemMedia lists in resp's content each media type the writers of
// problems send them in: JSON ones with the schema of
// application/problem+json, XML ones without, as the JSON Schema does not
// describe them.
func addProblemMedia(resp map[string]any, problems []Response) {
	content, _ := resp["content"].(map[string]any)
	if content == nil {
		return
	}
	for _, p := range problems {
		for _, mt := range p.MediaTypes {
			if _, ok := content[mt]; ok {
				continue
			}
			if strings.HasSuffix(mt, "json") {
				content[mt] = content["application/problem+json"]
			} else {
				content[mt] = map[string]any{}
			}
		}
	}
}

// successMedia are the media types of the body of a, an answer that is
// not a problem: its own, or for a success with a body, those r offers.
func successMedia(r Route, a Response) []string {
	if len(a.MediaTypes) > 0 {
		return a.MediaTypes
	}
	if a.Status >= 200 && a.Status < 300 && a.Status != 204 && a.Status != 205 {
		return r.Produces
	}
	return nil
}

// headerDocs describe the headers chiguard's middlewares send.
var headerDocs = map[string]struct {
	description string
	integer     bool
}{
	"WWW-Authenticate":      {description: "The authentication challenge, one per scheme (RFC 6750)."},
	"Allow":                 {description: "The methods the path is served for."},
	"Retry-After":           {description: "Seconds to wait before retrying.", integer: true},
	"RateLimit-Policy":      {description: "The quota policies of the route: name, quota (q) and window in seconds (w), as draft-ietf-httpapi-ratelimit-headers defines them."},
	"RateLimit":             {description: "Per policy, the quota left (r) and the seconds until more is available (t)."},
	"X-RateLimit-Limit":     {description: "The quota of the policy closest to refusing.", integer: true},
	"X-RateLimit-Remaining": {description: "The quota left of that policy.", integer: true},
	"X-RateLimit-Reset":     {description: "In Unix seconds: while that policy has quota left, when its window ends; when it has none, when a unit returns (on a 429, the time Retry-After gives).", integer: true},
	"X-Request-Id":          {description: "The request's ID, also the problem's instance."},
	"Vary":                  {description: "The request headers the answer depends on: Accept."},
	"ETag":                  {description: "The entity tag of the representation."},
	"Location":              {description: "The URI of the resource the request created or started."},
	"Accept":                {description: "The media types the request body may have."},
	"Accept-Encoding":       {description: "identity: the request body must not be encoded."},
}

// header returns the components key of header h: the catalog's, if it
// documents h once for all its types, else one added for it.
func (g *openapi) header(h string) string {
	if _, ok := g.doc.Components.Headers[h]; ok {
		return h
	}
	d, ok := headerDocs[h]
	if !ok {
		d.description = "A header of the route's answers."
	}
	schema := map[string]any{"type": "string"}
	if d.integer {
		schema = map[string]any{"type": "integer", "minimum": 0}
	}
	g.doc.Components.Headers[h] = map[string]any{"description": d.description, "schema": schema}
	return h
}

func deepCopy(v map[string]any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// OpenAPIHandler serves the OpenAPI document of router as JSON. The
// contract is read on the first request, when the router is complete, so
// the route that serves the document is in it too:
//
//	r.Handle("/openapi.json", contract.OpenAPIHandler(r, contract.Info{Title: "Cloud API", Version: "1.0"}))
func OpenAPIHandler(router chi.Routes, info Info) http.Handler {
	doc := sync.OnceValues(func() ([]byte, error) { return json.MarshalIndent(Of(router).OpenAPI(info), "", "  ") })
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !readOnly(w, r) {
			return
		}
		b, err := doc()
		if err != nil {
			problem.Write(w, r, problem.InternalServerError("").WithCause(err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		if r.Method != http.MethodHead {
			w.Write(b)
		}
	}), describeOpenAPI)
}

func describeOpenAPI() describe.Middleware {
	return describe.Middleware{Name: "contract.OpenAPIHandler", Methods: readMethods,
		Responses: []describe.Response{{Status: http.StatusOK, Detail: "this OpenAPI document", Headers: []string{"Cache-Control"},
			MediaTypes: []string{"application/json"}}, methodNotAllowed}}
}
