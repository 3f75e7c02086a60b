package chiguard_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/chiguard/chiguard/contract/contracttest"
	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/chiguard/chiguard/internal/testkit"
)

// The contract: every status of the seed error-codes page, produced by the
// demo API composed as the README recommends, with the headers and the
// problem body a client relies on.

func problemSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	return testkit.ProblemSchema(t, "testdata/problem.schema.json")
}

func mint(t testing.TB, tok api.Token) string {
	t.Helper()
	cfg := api.DefaultConfig()
	s, err := api.Mint(cfg.JWTSecret, cfg.Issuer, cfg.Audience, tok)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newAPI serves the demo API through a recorder that fails t, when it
// ends, for every answer the API gave that its contract does not list.
func newAPI(t testing.TB, edit func(*api.Config)) *httptest.Server {
	srv, _ := newObservedAPI(t, edit)
	return srv
}

func newObservedAPI(t testing.TB, edit func(*api.Config)) (*httptest.Server, *contracttest.Recorder) {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.DebugRoutes = true
	cfg.Logger = discardLogger()
	if edit != nil {
		edit(&cfg)
	}
	a, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := contracttest.Observe(t, a.Handler.(chi.Router))
	srv := httptest.NewServer(rec)
	t.Cleanup(func() { srv.Close(); a.Close() })
	return srv, rec
}

type row struct {
	name       string
	method     string
	path       string
	header     http.Header
	body       string
	wantStatus int
	wantType   string            // Content-Type
	wantHeader map[string]string // header -> regexp
	wantBody   map[string]any    // body member -> value (problems and JSON)
}

func TestContract(t *testing.T) {
	t.Parallel() // its 413 row waits half a second: net/http closes a connection with a body unread that long after answering
	alice := "Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read", "cloud:manage", "user:read", "admin:manage"}})
	reader := "Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}})
	app := "Bearer " + mint(t, api.Token{Subject: "demo-app", Scopes: []string{"cloud:read", "user:read"}, App: true})
	expired := "Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}, TTL: -time.Hour})
	h := func(kv ...string) http.Header {
		hd := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			hd.Add(kv[i], kv[i+1])
		}
		return hd
	}
	const problemJSON = "application/problem+json"
	// Its two challenges, in the order Authenticate sends them.
	const challenges = `^Bearer realm="chiguard-demo", ApiKey realm="chiguard-demo"$`
	typ := func(slug string) map[string]any { return map[string]any{"type": "/problems/" + slug} }
	rows := []row{
		{name: "200 list clouds", method: "GET", path: "/cloud", header: h("Authorization", alice),
			wantStatus: 200, wantType: "application/json", wantHeader: map[string]string{"Etag": `^"`, "Ratelimit": `^"default";r=\d+;t=\d+$`, "Vary": `^Accept$`}},
		{name: "200 health without credentials", method: "GET", path: "/healthz", wantStatus: 200, wantType: "application/json"},
		{name: "200 user", method: "GET", path: "/user", header: h("Authorization", alice),
			wantStatus: 200, wantType: "application/json", wantBody: map[string]any{"sub": "alice"}},
		{name: "200 api key", method: "GET", path: "/cloud/2", header: h("Authorization", "ApiKey "+api.DemoAPIKey),
			wantStatus: 200, wantType: "application/json", wantBody: map[string]any{"owner": "bob"}},
		{name: "201 create cloud", method: "POST", path: "/cloud", header: h("Authorization", alice, "Content-Type", "application/json"),
			body: `{"name":"New cloud"}`, wantStatus: 201, wantType: "application/json",
			wantHeader: map[string]string{"Location": `^/cloud/\d+$`}, wantBody: map[string]any{"name": "New cloud", "owner": "alice"}},
		{name: "202 export", method: "POST", path: "/cloud/1/export", header: h("Authorization", alice),
			wantStatus: 202, wantType: "application/json", wantHeader: map[string]string{"Location": `^/cloud/1/export/\d+$`,
				"Ratelimit-Policy": `(^|, )"export";q=10;w=3600$`}},
		{name: "200 HEAD of a cloud", method: "HEAD", path: "/cloud/1", header: h("Authorization", alice),
			wantStatus: 200, wantType: "application/json", wantHeader: map[string]string{"Etag": `^"`}},
		{name: "200 HEAD of the list", method: "HEAD", path: "/cloud", header: h("Authorization", alice),
			wantStatus: 200, wantType: "application/json"},
		{name: "304 revalidated cloud", method: "GET", path: "/cloud/1", header: h("Authorization", alice, "If-None-Match", `W/"x", *`),
			wantStatus: 304},
		{name: "204 delete", method: "DELETE", path: "/cloud/1", header: h("Authorization", alice), wantStatus: 204},
		{name: "304 not modified", method: "GET", path: "/cloud", header: h("Authorization", alice, "If-None-Match", "*"),
			wantStatus: 304, wantHeader: map[string]string{"Etag": `^"`}},
		{name: "400 object Object", method: "GET", path: "/cloud/%5Bobject%20Object%5D/project", header: h("Authorization", alice),
			wantStatus: 400, wantType: problemJSON, wantBody: map[string]any{"type": "/problems/bad-request",
				"errors": []any{map[string]any{"parameter": "cloudPk", "detail": "must be an integer"}}}},
		{name: "400 missing field", method: "POST", path: "/cloud", header: h("Authorization", alice, "Content-Type", "application/json"),
			body: `{}`, wantStatus: 400, wantType: problemJSON, wantBody: map[string]any{"type": "/problems/bad-request",
				"detail": "A required field is missing in the body.", "errors": []any{map[string]any{"pointer": "#/name", "detail": "is required"}}}},
		{name: "400 malformed JSON", method: "POST", path: "/cloud", header: h("Authorization", alice, "Content-Type", "application/json"),
			body: `{"name":`, wantStatus: 400, wantType: problemJSON, wantBody: typ("bad-request")},
		{name: "400 two credentials", method: "GET", path: "/cloud", header: h("Authorization", alice, "Authorization", "ApiKey "+api.DemoAPIKey),
			wantStatus: 400, wantType: problemJSON, wantBody: typ("bad-request")},
		// RFC 6750 §3.1: no error code for a request without credentials.
		{name: "401 missing token", method: "GET", path: "/cloud",
			wantStatus: 401, wantType: problemJSON, wantHeader: map[string]string{"Www-Authenticate": challenges}, wantBody: typ("unauthorized")},
		{name: "401 expired token", method: "GET", path: "/cloud", header: h("Authorization", expired),
			wantStatus: 401, wantType: problemJSON, wantHeader: map[string]string{
				"Www-Authenticate": `^Bearer realm="chiguard-demo", error="invalid_token", error_description="The access token expired", ApiKey realm="chiguard-demo"$`},
			wantBody: typ("unauthorized")},
		{name: "401 malformed token", method: "GET", path: "/cloud", header: h("Authorization", "Bearer not-a-jwt"),
			wantStatus: 401, wantType: problemJSON, wantHeader: map[string]string{"Www-Authenticate": `^Bearer realm="chiguard-demo", error="invalid_token", `},
			wantBody: typ("unauthorized")},
		{name: "401 unknown API key", method: "GET", path: "/cloud", header: h("Authorization", "ApiKey not-a-key"),
			wantStatus: 401, wantType: problemJSON, wantHeader: map[string]string{"Www-Authenticate": `^ApiKey realm="chiguard-demo", error="invalid_token", `},
			wantBody: typ("unauthorized")},
		{name: "403 missing scope", method: "POST", path: "/cloud", header: h("Authorization", reader, "Content-Type", "application/json"),
			body: `{"name":"x"}`, wantStatus: 403, wantType: problemJSON,
			wantHeader: map[string]string{"Www-Authenticate": `^Bearer realm="chiguard-demo", error="insufficient_scope", error_description="[^"]+", scope="cloud:manage"$`},
			wantBody:   map[string]any{"type": "/problems/forbidden", "required_scopes": []any{"cloud:manage"}, "missing_scopes": []any{"cloud:manage"}}},
		// A route's own limit runs where the group's does, before authorization.
		{name: "403 missing scope under a route's own limit", method: "POST", path: "/cloud/1/export", header: h("Authorization", "Bearer "+mint(t, api.Token{Subject: "carol", Scopes: []string{"user:read"}})),
			wantStatus: 403, wantType: problemJSON, wantHeader: map[string]string{"Ratelimit-Policy": `^"default";q=600;w=60, "export";q=10;w=3600$`},
			wantBody: typ("forbidden")},
		// Not a scope: RFC 6750 has no error code for it, and no challenge is sent.
		{name: "403 app on a user route", method: "GET", path: "/user", header: h("Authorization", app),
			wantStatus: 403, wantType: problemJSON, wantHeader: map[string]string{"Www-Authenticate": `^$`},
			wantBody: map[string]any{"type": "/problems/forbidden",
				"detail": "This resource is exclusive to users: authenticate as a user, not with an app's credentials."}},
		{name: "404 unknown path", method: "GET", path: "/nope", wantStatus: 404, wantType: problemJSON, wantBody: typ("not-found")},
		{name: "404 cloud of another user", method: "GET", path: "/cloud/2", header: h("Authorization", alice),
			wantStatus: 404, wantType: problemJSON, wantBody: typ("not-found")},
		{name: "404 missing cloud", method: "GET", path: "/cloud/999", header: h("Authorization", alice),
			wantStatus: 404, wantType: problemJSON, wantBody: typ("not-found")},
		{name: "405 wrong method", method: "PATCH", path: "/cloud", header: h("Authorization", alice),
			wantStatus: 405, wantType: problemJSON, wantHeader: map[string]string{"Allow": `^GET, HEAD, POST$`}, wantBody: typ("method-not-allowed")},
		{name: "405 on a subrouter's own path", method: "PATCH", path: "/cloud/1", header: h("Authorization", alice),
			wantStatus: 405, wantType: problemJSON, wantHeader: map[string]string{"Allow": `^GET, HEAD, DELETE$`}, wantBody: typ("method-not-allowed")},
		{name: "406 html", method: "GET", path: "/cloud", header: h("Authorization", alice, "Accept", "text/html"),
			wantStatus: 406, wantType: problemJSON,
			wantBody: map[string]any{"type": "/problems/not-acceptable", "acceptable": []any{"application/json"}}},
		{name: "412 stale ETag", method: "GET", path: "/cloud/1", header: h("Authorization", alice, "If-Match", `"stale"`),
			wantStatus: 412, wantType: problemJSON, wantBody: typ("precondition-failed")},
		{name: "413 large body", method: "POST", path: "/cloud", header: h("Authorization", alice, "Content-Type", "application/json"),
			body: `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, wantStatus: 413, wantType: problemJSON, wantBody: typ("content-too-large")},
		{name: "415 not JSON", method: "POST", path: "/cloud", header: h("Authorization", alice, "Content-Type", "text/plain"),
			body: `name=x`, wantStatus: 415, wantType: problemJSON, wantHeader: map[string]string{"Accept": `^application/json$`},
			wantBody: typ("unsupported-media-type")},
		{name: "500 panic", method: "GET", path: "/debug/panic", header: h("Authorization", alice),
			wantStatus: 500, wantType: problemJSON, wantBody: typ("internal-server-error")},
	}
	schema := problemSchema(t)
	for _, tt := range rows {
		// A server of its own: rows that create or delete clouds, or spend
		// the rate limit, must not change what the others see.
		t.Run(tt.name, func(t *testing.T) { check(t, newAPI(t, nil), schema, tt) })
	}
}

func check(t *testing.T, srv *httptest.Server, schema *jsonschema.Schema, tt row) {
	t.Helper()
	resp, raw := do(t, srv, tt.method, tt.path, tt.header, tt.body)
	if resp.StatusCode != tt.wantStatus {
		t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.wantStatus, raw)
	}
	if got := resp.Header.Get("Content-Type"); got != tt.wantType {
		t.Errorf("Content-Type %q, want %q", got, tt.wantType)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	for k, re := range tt.wantHeader {
		if got := strings.Join(resp.Header.Values(k), ", "); !regexp.MustCompile(re).MatchString(got) {
			t.Errorf("%s = %q, want match %q", k, got, re)
		}
	}
	if tt.wantType == "application/problem+json" {
		// The headers of every error, as the error-codes page lists them.
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", got)
		}
		if got := strings.Join(resp.Header.Values("Vary"), ", "); !regexp.MustCompile(`(^|, )Accept(,|$)`).MatchString(got) {
			t.Errorf("Vary %q, want Accept", got)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("problem body is not JSON: %v\n%s", err, raw)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("problem body fails the RFC 9457 schema: %v\n%s", err, raw)
		}
		var p map[string]any
		json.Unmarshal(raw, &p)
		if p["status"] != float64(resp.StatusCode) {
			t.Errorf("body status %v, HTTP %d", p["status"], resp.StatusCode)
		}
		if p["instance"] != resp.Header.Get("X-Request-Id") {
			t.Errorf("instance %v, X-Request-Id %q", p["instance"], resp.Header.Get("X-Request-Id"))
		}
		if ty, _ := p["type"].(string); !strings.HasPrefix(ty, "/problems/") && !strings.HasPrefix(ty, "https://") {
			t.Errorf("type %q", ty)
		}
	}
	if len(tt.wantBody) > 0 {
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("body: %v\n%s", err, raw)
		}
		for k, v := range tt.wantBody {
			if !reflect.DeepEqual(body[k], v) {
				t.Errorf("body[%s] = %v, want %v", k, body[k], v)
			}
		}
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func do(t *testing.T, srv *httptest.Server, method, path string, header http.Header, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func TestContractRateLimit(t *testing.T) {
	srv := newAPI(t, func(c *api.Config) { c.RateLimit = api.Rate{N: 2, Window: time.Minute} })
	schema := problemSchema(t)
	auth := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}})}}
	for i := range 2 {
		if resp, _ := do(t, srv, "GET", "/cloud", auth, ""); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	check(t, srv, schema, row{method: "GET", path: "/cloud", header: auth, wantStatus: 429, wantType: "application/problem+json",
		wantHeader: map[string]string{
			"Retry-After":      `^[1-9]\d*$`,
			"Ratelimit-Policy": `^"default";q=2;w=60$`,
			"Ratelimit":        `^"default";r=0;t=[1-9]\d*$`,
		},
		wantBody: map[string]any{"type": "https://iana.org/assignments/http-problem-types#quota-exceeded", "violated-policies": []any{"default"}}})
	if resp, _ := do(t, srv, "GET", "/problems/quota-exceeded", nil, ""); resp.StatusCode != 200 {
		t.Errorf("the 429's docs: %d", resp.StatusCode)
	}
	// Another principal has its own quota.
	other := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: "bob", Scopes: []string{"cloud:read"}})}}
	if resp, _ := do(t, srv, "GET", "/cloud", other, ""); resp.StatusCode != 200 {
		t.Fatalf("bob: %d", resp.StatusCode)
	}
}

// A client whose credentials keep failing gets the limiter's 429, its
// next credentials unchecked, even the right ones.
func TestContractGuessedCredentialsGet429(t *testing.T) {
	srv := newAPI(t, func(c *api.Config) { c.AuthFailureLimit = api.Rate{N: 2, Window: time.Minute} })
	schema := problemSchema(t)
	for i := range 2 {
		if resp, _ := do(t, srv, "GET", "/cloud", http.Header{"Authorization": {"ApiKey guess"}}, ""); resp.StatusCode != 401 {
			t.Fatalf("guess %d: %d", i, resp.StatusCode)
		}
	}
	check(t, srv, schema, row{method: "GET", path: "/cloud", header: http.Header{"Authorization": {"ApiKey " + api.DemoAPIKey}},
		wantStatus: 429, wantType: "application/problem+json",
		wantHeader: map[string]string{
			"Retry-After":      `^[1-9]\d*$`,
			"Ratelimit-Policy": `^"auth-failures";q=2;w=60$`,
			"Ratelimit":        `^"auth-failures";r=0;t=[1-9]\d*$`,
			"Www-Authenticate": `^$`,
		},
		wantBody: map[string]any{"type": "https://iana.org/assignments/http-problem-types#quota-exceeded", "violated-policies": []any{"auth-failures"}}})
	if resp, _ := do(t, srv, "GET", "/healthz", nil, ""); resp.StatusCode != 200 {
		t.Errorf("a request without credentials: %d", resp.StatusCode)
	}
}

// The seed page's 500: "An alert is automatically sent to us".
func TestContract500SendsAnAlert(t *testing.T) {
	var logs syncBuffer
	cfg := api.DefaultConfig()
	cfg.DebugRoutes = true
	cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	a, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	auth := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: "alice"})}}
	resp, raw := do(t, srv, "GET", "/debug/panic", auth, "")
	srv.Close()
	a.Close() // waits for the alert hook
	var p struct{ Instance string }
	json.Unmarshal(raw, &p)
	if resp.StatusCode != 500 || p.Instance == "" {
		t.Fatalf("%d %s", resp.StatusCode, raw)
	}
	var alerted bool
	for line := range strings.Lines(logs.String()) {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "ALERT sent to the on-call channel" &&
			rec["status"] == 500.0 && rec["request_id"] == p.Instance && rec["path"] == "/debug/panic" {
			alerted = true
		}
	}
	if !alerted {
		t.Errorf("no alert for the 500 %s; the logs:\n%s", p.Instance, logs.String())
	}
}

// syncBuffer is a bytes.Buffer that the server's goroutines may write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestContractMaintenance(t *testing.T) {
	srv := newAPI(t, func(c *api.Config) { c.Maintenance = true; c.MaintenanceRetryAfter = 90 * time.Second })
	schema := problemSchema(t)
	admin := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read", "admin:manage"}})}}
	for _, path := range []string{"/cloud", "/nope", "/user", "/healthz/x", "/admin/maintenance/x"} {
		for _, hd := range []http.Header{nil, admin} {
			check(t, srv, schema, row{method: "GET", path: path, header: hd, wantStatus: 502, wantType: "application/problem+json",
				wantHeader: map[string]string{"Retry-After": `^90$`},
				wantBody:   map[string]any{"detail": "API is down, or being upgraded."}})
		}
	}
	if resp, _ := do(t, srv, "GET", "/healthz", nil, ""); resp.StatusCode != 200 {
		t.Errorf("/healthz during maintenance: %d", resp.StatusCode)
	}
	if resp, _ := do(t, srv, "GET", "/problems/bad-gateway", nil, ""); resp.StatusCode != 200 {
		t.Errorf("/problems during maintenance: %d", resp.StatusCode)
	}
	off := admin.Clone()
	off.Set("Content-Type", "application/json")
	if resp, raw := do(t, srv, "PUT", "/admin/maintenance", off, `{"enabled":false}`); resp.StatusCode != 204 {
		t.Fatalf("switching maintenance off: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := do(t, srv, "GET", "/cloud", admin, ""); resp.StatusCode != 200 {
		t.Errorf("after maintenance: %d", resp.StatusCode)
	}
}

// A cloud the caller may not see answers exactly like a missing one.
func TestContractConcealedCloudLooksMissing(t *testing.T) {
	srv := newAPI(t, nil)
	auth := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}})}}
	hidden, hiddenBody := do(t, srv, "GET", "/cloud/2", auth, "")
	missing, missingBody := do(t, srv, "GET", "/cloud/3", auth, "")
	norm := func(resp *http.Response, raw []byte) (http.Header, string) {
		hd := resp.Header.Clone()
		for _, k := range []string{"Date", "X-Request-Id", "Ratelimit", "Content-Length"} {
			hd.Del(k)
		}
		var p map[string]any
		json.Unmarshal(raw, &p)
		delete(p, "instance")
		b, _ := json.Marshal(p)
		return hd, strings.ReplaceAll(string(b), "Cloud 3", "Cloud 2")
	}
	hh, hb := norm(hidden, hiddenBody)
	mh, mb := norm(missing, missingBody)
	if hidden.StatusCode != 404 || missing.StatusCode != 404 || hb != mb {
		t.Fatalf("hidden %d %s\nmissing %d %s", hidden.StatusCode, hb, missing.StatusCode, mb)
	}
	for k := range hh {
		if hh.Get(k) != mh.Get(k) {
			t.Errorf("header %s: hidden %q, missing %q", k, hh.Get(k), mh.Get(k))
		}
	}
}

// Every problem type has its docs page on the API; the one 429 type keeps
// its registered type URI and is documented there too.
func TestContractProblemTypesResolve(t *testing.T) {
	srv := newAPI(t, nil)
	resp, raw := do(t, srv, "GET", "/problems", http.Header{"Accept": {"application/json"}}, "")
	if resp.StatusCode != 200 {
		t.Fatalf("/problems: %d", resp.StatusCode)
	}
	var index struct {
		Types []struct {
			Type   string
			Status int
			Docs   string
		} `json:"types"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	per429 := 0
	for _, ty := range index.Types {
		seen[ty.Type] = true
		if ty.Status == 429 {
			per429++
		}
		if resp, _ := do(t, srv, "GET", ty.Docs, nil, ""); resp.StatusCode != 200 {
			t.Errorf("%s: its docs %s answer %d", ty.Type, ty.Docs, resp.StatusCode)
		}
		if strings.HasPrefix(ty.Type, "/") && ty.Type != ty.Docs {
			t.Errorf("%s: documented at %s", ty.Type, ty.Docs)
		}
	}
	if per429 != 1 || !seen["https://iana.org/assignments/http-problem-types#quota-exceeded"] {
		t.Errorf("%d types of 429, want quota-exceeded alone", per429)
	}
	for _, s := range []string{"/problems/bad-request", "/problems/unauthorized", "/problems/forbidden", "/problems/not-found",
		"/problems/not-acceptable", "/problems/internal-server-error", "/problems/bad-gateway"} {
		if !seen[s] {
			t.Errorf("%s is not listed", s)
		}
	}
}

// discard is a ResponseWriter that keeps one header map and drops the
// body, so BenchmarkStack measures middlewares, not a recorder.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// BenchmarkStack compares chiguard's recommended stack with a bare route
// and with what a user assembles today from chi, jwtauth and httprate, on
// the same authenticated pass-through request.
func BenchmarkStack(b *testing.B) {
	const secret = "bench-secret-bench-secret-bench-secret"
	cfg := api.DefaultConfig()
	token, err := api.Mint(secret, cfg.Issuer, cfg.Audience, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}, TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}
	stacks := []struct {
		name    string
		handler http.Handler
	}{
		{"bare", bareRouter(ok)},
		{"chiguard/full", fullStack(b, secret, ok)},
		{"anchors/jwtauth-httprate", anchorStack(secret, ok)},
	}
	for _, s := range stacks {
		b.Run(s.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/cloud", nil)
			r.RemoteAddr = "192.0.2.1:1234"
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Accept", "application/json")
			w := &discard{h: http.Header{}}
			s.handler.ServeHTTP(w, r) // warm the token cache
			if w.code != 0 && w.code != 200 {
				b.Fatalf("status %d", w.code)
			}
			b.ReportAllocs()
			defer testkit.ReportCPU(b)()
			for b.Loop() {
				clear(w.h)
				s.handler.ServeHTTP(w, r)
			}
		})
	}
}

// Requests without credentials are limited by client IP.
func TestContractAnonymousRequestsAreLimitedByIP(t *testing.T) {
	srv := newAPI(t, func(c *api.Config) { c.RateLimit = api.Rate{N: 2, Window: time.Minute} })
	for i, want := range []int{401, 401, 429} {
		resp, raw := do(t, srv, "GET", "/cloud", nil, "")
		if resp.StatusCode != want {
			t.Fatalf("request %d: %d, want %d\n%s", i, resp.StatusCode, want, raw)
		}
	}
	auth := http.Header{"Authorization": {"Bearer " + mint(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}})}}
	if resp, _ := do(t, srv, "GET", "/cloud", auth, ""); resp.StatusCode != 200 {
		t.Fatalf("an authenticated caller from the same IP has its own quota: %d", resp.StatusCode)
	}
}

// An unknown path is a 404 before credentials are asked for, below the
// cloud's routes too: no 401, and no budget spent.
func TestContractUnknownPathsBelowARouteAre404(t *testing.T) {
	srv := newAPI(t, nil)
	bad := http.Header{"Authorization": {"Bearer not-a-token"}}
	for _, path := range []string{"/nope", "/cloud/1/nope", "/cloud/1/project/x", "/cloud/1/export/2/x"} {
		resp, raw := do(t, srv, "GET", path, bad, "")
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Ratelimit") != "" || resp.Header.Get("Www-Authenticate") != "" {
			t.Errorf("GET %s: %d, RateLimit %q, WWW-Authenticate %q\n%s", path, resp.StatusCode,
				resp.Header.Get("Ratelimit"), resp.Header.Get("Www-Authenticate"), raw)
		}
	}
}
