package chiguard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/chiguard/chiguard/examples/server/api"
)

// documented is the demo API with the OpenAPI document it serves, to
// hold each answer to the operation it describes.
type documented struct {
	srv    *httptest.Server
	router routers.Router
}

func newDocumented(t *testing.T, edit func(*api.Config)) documented {
	t.Helper()
	srv := newAPI(t, edit)
	resp, raw := do(t, srv, "GET", "/openapi.json", nil, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d", resp.StatusCode)
	}
	loader := openapi3.NewLoader()
	d, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(loader.Context); err != nil {
		t.Fatalf("kin-openapi: %v", err)
	}
	d.Servers = openapi3.Servers{{URL: srv.URL}} // the document's "/" is the test server
	router, err := legacy.NewRouter(d)
	if err != nil {
		t.Fatal(err)
	}
	return documented{srv, router}
}

// notedHeaders are the headers of chiguard's middlewares: an answer that
// carries one is documented with it.
var notedHeaders = []string{"WWW-Authenticate", "RateLimit", "RateLimit-Policy", "Retry-After", "Allow", "ETag", "Vary",
	"Location", "Accept", "Accept-Encoding"}

// hold sends p and fails t unless its answer is one the document
// describes for the operation: the status, the headers the document
// requires and those the answer carries, the media type and the body.
func (d documented) hold(t *testing.T, p provocation) {
	t.Helper()
	resp, raw := do(t, d.srv, p.method, p.path, p.header, p.body)
	where := fmt.Sprintf("%s %s (%s) answered %d", p.method, p.path, p.name, resp.StatusCode)
	if p.want != 0 && resp.StatusCode != p.want {
		t.Errorf("%s, want %d\n%s", where, p.want, raw)
	}
	u, _ := url.Parse(d.srv.URL + p.path)
	req := &http.Request{Method: p.method, URL: u, Header: p.header}
	route, params, err := d.operation(req, resp.StatusCode)
	if err != nil && resp.StatusCode == http.StatusNotFound {
		return // a path no route serves, which has no operation; Observe holds it to the contract
	}
	if err != nil {
		t.Errorf("%s: the document has no operation for it: %v", where, err)
		return
	}
	docResp := route.Operation.Responses.Status(resp.StatusCode)
	if docResp == nil {
		t.Errorf("%s, which the document's %s %s does not list", where, route.Method, route.Path)
		return
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(raw)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	})
	if err != nil {
		t.Errorf("%s, not as the document says: %v\n%s", where, err, raw)
	}
	for _, h := range notedHeaders {
		if _, ok := docResp.Value.Headers[h]; resp.Header.Get(h) != "" && !ok {
			t.Errorf("%s with %s: %q, which the document does not list", where, h, resp.Header.Get(h))
		}
	}
	if len(raw) > 0 && len(docResp.Value.Content) == 0 {
		t.Errorf("%s with a body of %s, where the document lists none", where, resp.Header.Get("Content-Type"))
	}
}

// operation is the document's operation for req; a HEAD request's is
// its GET's (HeadAsGet), and a refusal of a method the path is not served
// for (the 405, the maintenance answer before routing) is that of any
// method at the path.
func (d documented) operation(req *http.Request, status int) (*routers.Route, map[string]string, error) {
	methods := []string{req.Method}
	switch {
	case req.Method == http.MethodHead:
		methods = []string{http.MethodGet}
	case status >= 400:
		methods = append(methods, http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete)
	}
	err := errors.New("no method")
	for _, m := range methods {
		r := req.Clone(context.Background())
		r.Method = m
		var route *routers.Route
		var params map[string]string
		if route, params, err = d.router.FindRoute(r); err == nil {
			// kin's router ignores a trailing slash, which chi does not.
			if strings.HasSuffix(r.URL.Path, "/") != strings.HasSuffix(route.Path, "/") {
				return nil, nil, fmt.Errorf("%s is not %s", r.URL.Path, route.Path)
			}
			return route, params, nil
		}
	}
	return nil, nil, err
}

// hostile are requests beside the provocations of r, each of which the
// document must describe too, whatever it gets.
func (r demoRoute) hostile(t *testing.T) []provocation {
	token := "Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read", "cloud:manage", "user:read", "admin:manage"}})
	h := func(kv ...string) http.Header {
		hd := http.Header{"Authorization": {token}}
		if r.body != "" {
			hd.Set("Content-Type", "application/json")
		}
		for i := 0; i < len(kv); i += 2 {
			hd.Set(kv[i], kv[i+1])
		}
		return hd
	}
	ps := []provocation{
		{"a malformed token", r.method, r.path, h("Authorization", "Bearer not.a.jwt"), r.body, 0},
		{"an empty bearer token", r.method, r.path, h("Authorization", "Bearer"), r.body, 0},
		{"an unknown scheme", r.method, r.path, h("Authorization", "Basic YTpi"), r.body, 0},
		{"an unknown API key", r.method, r.path, h("Authorization", "ApiKey nope"), r.body, 0},
		{"a token in the query too", r.method, r.path + "?access_token=" + strings.TrimPrefix(token, "Bearer "), h(), r.body, 0},
		{"an Accept of nothing", r.method, r.path, h("Accept", "application/json;q=0"), r.body, 0},
		{"a malformed Accept", r.method, r.path, h("Accept", `,;;="x`), r.body, 0},
		{"an Accept of problems", r.method, r.path, h("Accept", "application/problem+json"), r.body, 0},
		{"an Accept of JSON only", r.method, r.path, h("Accept", "application/json"), r.body, 0},
		{"If-None-Match of another tag", r.method, r.path, h("If-None-Match", `"x"`), r.body, 0},
		{"If-Match *", r.method, r.path, h("If-Match", "*"), r.body, 0},
		{"If-Modified-Since now", r.method, r.path, h("If-Modified-Since", time.Now().UTC().Format(http.TimeFormat)), r.body, 0},
		{"If-Unmodified-Since long ago", r.method, r.path, h("If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"), r.body, 0},
		{"a broken query", r.method, r.path + "?%zz=1&a=%", h(), r.body, 0},
		{"a long Accept", r.method, r.path, h("Accept", strings.Repeat("text/plain;q=0.1, ", 500)+"application/json"), r.body, 0},
		{"an encoded NUL in the path", r.method, r.path + "%00", h(), r.body, 0},
		{"OPTIONS", http.MethodOptions, r.path, h(), "", 0},
		{"an unknown method", "FOO", r.path, h(), "", 0},
	}
	// "/problems/" is the index of "/problems/*" too.
	if !strings.HasSuffix(r.pattern, "*") && r.pattern != "/" && r.pattern != "/problems" {
		ps = append(ps, provocation{"a trailing slash", r.method, r.path + "/", h(), r.body, http.StatusNotFound})
	}
	if r.method == http.MethodGet {
		ps = append(ps, provocation{"HEAD", http.MethodHead, r.path, h(), "", 0})
	}
	if r.cloud {
		for _, id := range []string{"99999999999999999999", "-1", "%31", "1.0"} {
			ps = append(ps, provocation{"a cloud ID of " + id, r.method, strings.Replace(r.path, "/1", "/"+id, 1), h(), r.body, 0})
		}
	}
	if r.body != "" {
		ps = append(ps,
			provocation{"a gzip body", r.method, r.path, h("Content-Encoding", "gzip"), r.body, 0},
			provocation{"a body in latin1", r.method, r.path, h("Content-Type", "application/json; charset=latin1"), r.body, 0},
			provocation{"no Content-Type", r.method, r.path, h("Content-Type", ""), r.body, 0},
			provocation{"a body of the wrong type", r.method, r.path, h(), `{"name":5,"enabled":"yes"}`, 0},
			provocation{"a body that is an array", r.method, r.path, h(), `[]`, 0},
			provocation{"a body that is null", r.method, r.path, h(), `null`, 0},
			provocation{"a body cut short", r.method, r.path, h(), `{"name":`, 0},
			provocation{"two Content-Types", r.method, r.path, http.Header{"Authorization": {token}, "Content-Type": {"application/json", "text/plain"}}, r.body, 0},
			provocation{"a body deep in arrays", r.method, r.path, h(), strings.Repeat("[", 100000), 0},
		)
	}
	return ps
}

// Every answer the demo's routes give, to the provocations of each of its
// statuses and to hostile requests, is one its OpenAPI document describes.
func TestEveryProvokedAnswerIsInTheOpenAPIDocument(t *testing.T) {
	d := newDocumented(t, func(c *api.Config) { c.AuthFailureLimit = api.Rate{N: 1000, Window: time.Minute} })
	for _, r := range demoRoutes {
		for _, p := range append(r.provocations(t), r.hostile(t)...) {
			d.hold(t, p)
		}
	}
	token := func(i int) http.Header {
		return http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: fmt.Sprint("user-", i),
			Scopes: []string{"cloud:read", "cloud:manage", "user:read", "admin:manage"}})}}
	}
	limited := newDocumented(t, func(c *api.Config) {
		c.RateLimit, c.ExportLimit, c.AuthFailureLimit = api.Rate{N: 2, Window: time.Minute}, api.Rate{N: 1, Window: time.Minute}, api.Rate{N: 1, Window: time.Minute}
	})
	for i, r := range demoRoutes {
		for range 3 {
			limited.hold(t, provocation{"over its quota", r.method, r.path, token(i), "", 0})
		}
		limited.hold(t, provocation{"after failed credentials", r.method, r.path, http.Header{"Authorization": {"ApiKey nope"}}, "", 0})
	}
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable} {
		down := newDocumented(t, func(c *api.Config) {
			c.Maintenance, c.MaintenanceStatus, c.MaintenanceRetryAfter = true, status, 0
		})
		for i, r := range demoRoutes {
			down.hold(t, provocation{"during maintenance", r.method, r.path, token(i), "", 0})
			down.hold(t, provocation{"during maintenance, another method", r.other, r.path, nil, "", 0})
		}
	}
}
