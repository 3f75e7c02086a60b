// Package testkit holds the request and response helpers and the fake
// clock that the tests of several chiguard packages share. It is imported
// only by tests.
package testkit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Serve runs one request through h and returns the recorded response.
func Serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// Request builds a request with headers given as "Name: value" lines.
func Request(method, target, body string, headers ...string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		r.Header.Add(k, strings.TrimSpace(v))
	}
	return r
}

// Problem decodes a problem+json response, failing the test if the
// response is not one with the expected status.
func Problem(t testing.TB, rec *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, rec.Body)
	}
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	if got := p["status"]; got != float64(status) {
		t.Fatalf("problem status = %v, want %d", got, status)
	}
	return p
}

// FieldErrors returns the problem's "errors" as pointer (or parameter) ->
// detail.
func FieldErrors(t testing.TB, p map[string]any) map[string]string {
	t.Helper()
	list, ok := p["errors"].([]any)
	if !ok {
		t.Fatalf("problem has no errors list: %v", p)
	}
	out := map[string]string{}
	for _, e := range list {
		m := e.(map[string]any)
		key, _ := m["pointer"].(string)
		if key == "" {
			key, _ = m["parameter"].(string)
		}
		out[key], _ = m["detail"].(string)
	}
	return out
}

// OK is a handler that writes "ok".
var OK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok"))
})

// ReportCPU makes b report the process's CPU time per op (cpu-ns/op) from
// now to the call of the returned func: on a machine shared with other work
// it varies far less than ns/op, which counts the waits for a free core.
func ReportCPU(b *testing.B) (stop func()) {
	start := cpuTime()
	return func() {
		if start > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// ProblemSchema compiles the RFC 9457 JSON Schema at path (the repository's
// testdata/problem.schema.json), with formats asserted.
func ProblemSchema(t testing.TB, path string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("problem.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	return c.MustCompile("problem.schema.json")
}
