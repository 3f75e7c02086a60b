// Package contracttest holds a router to its documentation in tests.
// Compare fails a test where a hand-written OpenAPI document and the
// router disagree; Observe fails it when the router gives an answer its
// contract does not list. It is package contract's, apart so that
// contract does not import package testing.
//
// A document to start from is the router's own: the JSON of
// contract.Of(r).OpenAPI(info), or what contract.OpenAPIHandler serves.
// Edit it into the API's documentation, commit it, and Compare holds the
// router to it from then on.
package contracttest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/internal/chipattern"
	"github.com/chiguard/chiguard/internal/serverurl"
)

// Compare fails t, with one readable list, wherever the OpenAPI document
// doc (3.0 or 3.1, as JSON) and the contract of router disagree:
//
//   - a route the router serves is missing from the document (concealed
//     routes may be left out, and a HEAD whose GET is there);
//   - the document names an operation the router does not serve;
//   - a route can answer a status its operation omits (a range such as
//     "4XX" covers its statuses; "default" covers none);
//   - the scopes differ: each way to be let through is compared as the set
//     of scopes it needs, whatever the security schemes are called;
//   - the document sends credentials a way the route does not read, such
//     as an API key in an X-API-Key header where Authenticate reads
//     Authorization (oauth2 and openIdConnect schemes send bearer tokens),
//     or one requirement sends two credentials at once, which
//     Authenticate refuses with a 400;
//   - a response that lists its content omits a media type the router
//     answers it in: application/problem+json for a problem, the types
//     middleware.Negotiate offers for a success;
//   - the document describes no request body where bind.Body reads one, or
//     one in other media types;
//   - a path parameter bind.ValidatePath parses has another schema type
//     in the document (parameters pair up by place, not name), or a query
//     parameter bind.ValidateQuery checks is missing or of another type.
//
// The document's paths are under the path of its first server's URL (of
// the operation's or path item's own servers, where they have them): a
// document whose server is "https://api.example.com/v1" describes the
// router's "/v1/clouds" as "/clouds".
//
// A document may list more answers than the router knows of: a handler's
// own 200 or 404 are its to document. A YAML document converts to JSON
// with any YAML package (decode into an any, encode as JSON).
func Compare(t testing.TB, router chi.Routes, doc []byte, opts ...Option) {
	t.Helper()
	diffs, err := Diff(contract.Of(router), doc, opts...)
	if err != nil {
		t.Fatalf("contracttest: %v", err)
	}
	if len(diffs) > 0 {
		t.Errorf("contracttest: the OpenAPI document and the router disagree:\n  %s", strings.Join(diffs, "\n  "))
	}
}

type document struct {
	Servers    []server                   `json:"servers"`
	Security   []map[string][]string      `json:"security"`
	Paths      map[string]json.RawMessage `json:"paths"`
	Components components                 `json:"components"`
}

// pathItem returns item with the path item its $ref names merged in
// (OpenAPI 3.1's components.pathItems, or another of the paths, as 3.0
// shares one); item's own fields win.
func (d *document) pathItem(path string, item map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	raw, ok := item["$ref"]
	if !ok {
		return item, nil
	}
	var ref string
	if err := json.Unmarshal(raw, &ref); err != nil {
		return nil, fmt.Errorf("%s: $ref: %w", path, err)
	}
	target, found := d.refPathItem(ref)
	if !found {
		return nil, fmt.Errorf("%s: $ref %q names no path item of the document's components or paths", path, ref)
	}
	merged := map[string]json.RawMessage{}
	maps.Copy(merged, target)
	maps.Copy(merged, item)
	delete(merged, "$ref")
	return merged, nil
}

// refPathItem returns the path item ref points to in the document.
func (d *document) refPathItem(ref string) (map[string]json.RawMessage, bool) {
	if name, ok := componentName(ref, "pathItems"); ok {
		target, found := d.Components.PathItems[name]
		return target, found
	}
	name, ok := strings.CutPrefix(ref, "#/paths/")
	if !ok {
		return nil, false
	}
	name, err := url.PathUnescape(name) // a URI fragment: "{" may be "%7B"
	raw, found := d.Paths[unescapePointer(name)]
	var target map[string]json.RawMessage
	return target, err == nil && found && json.Unmarshal(raw, &target) == nil
}

type server struct {
	URL       string `json:"url"`
	Variables map[string]struct {
		Default string `json:"default"`
	} `json:"variables"`
}

// basePath is the path of the first server's URL, its variables at their
// defaults, without a trailing slash: what the document's paths are
// appended to. "" when there is none, or the URL is not one.
func basePath(servers []server) string {
	if len(servers) == 0 {
		return ""
	}
	defaults := map[string]string{}
	for name, v := range servers[0].Variables {
		defaults[name] = v.Default
	}
	path, _, _ := serverurl.Split(servers[0].URL, defaults)
	return path
}

type operation struct {
	Security    *[]map[string][]string     `json:"security"`
	Responses   map[string]json.RawMessage `json:"responses"`
	RequestBody json.RawMessage            `json:"requestBody"`
	Parameters  []json.RawMessage          `json:"parameters"`
	Servers     []server                   `json:"servers"`

	path       string            // as the document spells it, base path included
	itemParams []json.RawMessage // the path item's parameters
}

// opBase is the base path of op: its own servers', which override those
// of its path item and document (base).
func opBase(op operation, base string) string {
	if len(op.Servers) > 0 {
		return basePath(op.Servers)
	}
	return base
}

// An Option changes what Compare and Diff hold a document to.
type Option func(*options)

type options struct{ partial bool }

// Partial lets the document leave out routes the router serves, such as
// a public document without the health checks and the docs routes. The
// routes it names are compared in full, and it may still name none the
// router does not serve.
func Partial() Option { return func(o *options) { o.partial = true } }

// Diff returns the disagreements Compare reports, one line each, sorted
// by route: "+ " starts a route only the router has, "- " one only the
// document has.
func Diff(c *contract.Contract, doc []byte, opts ...Option) ([]string, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var d document
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is not JSON: %w", err)
	}
	ops := map[string]operation{} // "METHOD template", templates with {} for names
	names := map[string]string{}  // the same key, as the document spells it
	docBase := basePath(d.Servers)
	for _, path := range slices.Sorted(maps.Keys(d.Paths)) {
		if !strings.HasPrefix(path, "/") {
			continue // an extension, such as "x-owner"
		}
		var item map[string]json.RawMessage
		if err := json.Unmarshal(d.Paths[path], &item); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		item, err := d.pathItem(path, item)
		if err != nil {
			return nil, err
		}
		base := docBase
		if raw, ok := item["servers"]; ok {
			var servers []server
			if json.Unmarshal(raw, &servers) == nil && len(servers) > 0 {
				base = basePath(servers)
			}
		}
		var itemParams []json.RawMessage
		if raw, ok := item["parameters"]; ok {
			json.Unmarshal(raw, &itemParams)
		}
		for method, raw := range item {
			m := strings.ToUpper(method)
			if !slices.Contains(openAPIMethods, m) {
				continue // parameters, summary, servers...
			}
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, path, err)
			}
			full := path
			if b := opBase(op, base); b != "" {
				full = b + path
			}
			op.path, op.itemParams = full, itemParams
			k := m + " " + chipattern.Shape(full)
			ops[k], names[k] = op, m+" "+full
		}
	}
	var diffs []diff
	covered := map[string]bool{}
	for _, r := range c.Routes {
		path := chipattern.Shape(openAPIPath(r.Pattern))
		methods := []string{r.Method}
		if r.Method == "*" {
			methods = openAPIMethods
		}
		name := r.Method + " " + r.Pattern
		// A subrouter's "/" route is served at its mount's path with and
		// without the trailing slash.
		paths := []string{path}
		if _, mount := c.Mount(r.Pattern); mount && !strings.HasSuffix(path, "/") {
			paths = append(paths, path+"/")
		}
		found := false
		for _, m := range methods {
			for _, p := range paths {
				k := m + " " + p
				op, ok := ops[k]
				if !ok {
					continue
				}
				found, covered[k] = true, true
				diffs = append(diffs, compareOperation(names[k], r, op, &d)...)
			}
		}
		if r.Method == "GET" && servesHead(r) {
			for _, p := range paths {
				covered["HEAD "+p] = true
			}
		}
		if r.Method == "HEAD" && slices.ContainsFunc(c.Routes, func(g contract.Route) bool {
			return g.Method == "GET" && g.Pattern == r.Pattern
		}) {
			found = true // its GET covers it, or is reported missing
		}
		if !found && !r.Concealed && !o.partial {
			diffs = append(diffs, diff{name, "+ " + name + ": served by the router, missing from the document"})
		}
	}
	for k := range ops {
		if !covered[k] {
			diffs = append(diffs, diff{names[k], "- " + names[k] + ": in the document, not served by the router"})
		}
	}
	slices.SortStableFunc(diffs, func(a, b diff) int { return strings.Compare(a.route, b.route) })
	var out []string
	for _, d := range diffs {
		out = append(out, d.text)
	}
	return out, nil
}

type diff struct{ route, text string }

var openAPIMethods = []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"}

func compareOperation(name string, r contract.Route, op operation, d *document) []diff {
	var out []diff
	for _, resp := range r.Responses {
		code := strconv.Itoa(resp.Status)
		if _, ok := op.Responses[code]; ok {
			continue
		}
		if _, ok := op.Responses[code[:1]+"XX"]; ok {
			continue
		}
		what := code + " " + resp.Title
		if resp.Type != "" {
			what += " (" + resp.Type + ")"
		}
		var from []string
		for _, c := range resp.Causes {
			from = append(from, c.Middleware)
		}
		out = append(out, diff{name, name + ": the router can answer " + what + ", from " + strings.Join(uniq(from), ", ") +
			"; the document omits it"})
	}
	out = append(out, compareContent(name, r, op, &d.Components)...)
	out = append(out, compareBody(name, r, op, &d.Components)...)
	out = append(out, compareParameters(name, op.path, r, op.itemParams, op.Parameters, &d.Components)...)
	sec := d.Security
	if op.Security != nil {
		sec = *op.Security
	}
	out = append(out, compareSchemes(name, r, sec, d.Components.Schemes)...)
	documented := documentedScopes(sec)
	served := servedScopes(r)
	if !slices.Equal(documented, served) {
		out = append(out, diff{name, name + ": scopes differ: the document asks for " + say(documented) +
			", the router for " + say(served)})
	}
	return out
}

// documentedScopes are the ways a document lets a caller through, each
// written as its sorted scopes; "" for no credentials.
func documentedScopes(sec []map[string][]string) []string {
	if len(sec) == 0 {
		return []string{anonymous}
	}
	var ways []string
	for _, req := range sec {
		if len(req) == 0 {
			ways = append(ways, anonymous)
			continue
		}
		var scopes []string
		for _, s := range req {
			scopes = append(scopes, s...)
		}
		ways = append(ways, scopeSet(scopes))
	}
	return normalizeWays(ways)
}

func servedScopes(r contract.Route) []string {
	var ways []string
	for _, s := range r.Security {
		ways = append(ways, scopeSet(s.Scopes))
	}
	if r.Anonymous {
		ways = append(ways, anonymous)
	}
	return normalizeWays(ways)
}

const anonymous = "\x00no credentials"

func scopeSet(scopes []string) string {
	s := uniq(scopes)
	slices.Sort(s)
	return strings.Join(s, " ")
}

func normalizeWays(ways []string) []string {
	slices.Sort(ways)
	return slices.Compact(ways)
}

// say writes ways for a person: "cloud:read", "no credentials", "any
// credentials", joined with "or".
func say(ways []string) string {
	var words []string
	for _, w := range ways {
		switch w {
		case anonymous:
			words = append(words, "no credentials")
		case "":
			words = append(words, "credentials with no scope")
		default:
			words = append(words, "["+w+"]")
		}
	}
	return strings.Join(words, " or ")
}

// servesHead reports whether HeadAsGet serves HEAD on r: only from the
// root router's Use, since after routing chi has answered HEAD with a 405.
func servesHead(r contract.Route) bool {
	return slices.ContainsFunc(r.Middlewares, func(m contract.Middleware) bool {
		return m.Name == "middleware.HeadAsGet" && m.BeforeRouting
	})
}

// openAPIPath spells a chi pattern as OpenAPI does; the names are
// dropped by chipattern.Shape anyway, so a regexp's braces need not balance.
func openAPIPath(pattern string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '{':
			if depth == 0 {
				b.WriteString("{}")
			}
			depth++
		case c == '}':
			depth--
		case depth > 0:
		case c == '*':
			b.WriteString("{}")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
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
