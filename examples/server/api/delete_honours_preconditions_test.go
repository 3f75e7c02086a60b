package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/examples/server/api"
)

// newDemoServer serves the demo API with its defaults over real TCP.
func newDemoServer(t *testing.T) *httptest.Server {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Logger = slog.New(slog.DiscardHandler)
	a, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(func() { srv.Close(); a.Close() })
	return srv
}

func demoToken(t *testing.T, tok api.Token) string {
	t.Helper()
	cfg := api.DefaultConfig()
	s, err := api.Mint(cfg.JWTSecret, cfg.Issuer, cfg.Audience, tok)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + s
}

func send(t *testing.T, srv *httptest.Server, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// A DELETE whose If-Match names no current ETag of the cloud, or whose
// If-None-Match: * matches the existing cloud, must not delete it (RFC
// 9110 §13.1.1-2): it gets a 412 problem and the cloud stays. A DELETE
// with the cloud's current ETag, as GET gave it, or If-Match: *, deletes.
func TestDeleteHonoursPreconditions(t *testing.T) {
	srv := newDemoServer(t)
	alice := demoToken(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read", "cloud:manage"}})

	resp, _ := send(t, srv, "GET", "/cloud/1", "Authorization", alice)
	etag := resp.Header.Get("Etag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("GET /cloud/1: %d, ETag %q", resp.StatusCode, etag)
	}

	for _, cond := range [][2]string{
		{"If-Match", `"stale"`},
		{"If-Match", `W/` + etag}, // If-Match compares strongly
		{"If-None-Match", "*"},
		{"If-None-Match", etag},
	} {
		resp, body := send(t, srv, "DELETE", "/cloud/1", "Authorization", alice, cond[0], cond[1])
		var p struct {
			Type   string
			Status int
		}
		json.Unmarshal(body, &p)
		if resp.StatusCode != http.StatusPreconditionFailed || p.Status != http.StatusPreconditionFailed ||
			resp.Header.Get("Content-Type") != "application/problem+json" || p.Type != "/problems/precondition-failed" {
			t.Errorf("DELETE with %s: %s: %d %s %s, want a 412 problem", cond[0], cond[1], resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if resp, _ := send(t, srv, "GET", "/cloud/1", "Authorization", alice); resp.StatusCode != http.StatusOK {
			t.Fatalf("after a DELETE with %s: %s, GET /cloud/1 answers %d: the cloud was deleted", cond[0], cond[1], resp.StatusCode)
		}
	}

	if resp, body := send(t, srv, "DELETE", "/cloud/1", "Authorization", alice, "If-Match", `"other", `+etag); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE with the current ETag: %d %s, want 204", resp.StatusCode, body)
	}
	if resp, _ := send(t, srv, "GET", "/cloud/1", "Authorization", alice); resp.StatusCode != http.StatusNotFound {
		t.Errorf("after the DELETE, GET /cloud/1 answers %d, want 404", resp.StatusCode)
	}
	// A cloud that does not exist is a 404 whatever the preconditions:
	// RFC 9110 §13.2.1 ignores them when the answer is not a 2xx.
	if resp, _ := send(t, srv, "DELETE", "/cloud/1", "Authorization", alice, "If-Match", "*"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("DELETE of a deleted cloud with If-Match: *: %d, want 404", resp.StatusCode)
	}

	// If-Match: * holds for any existing cloud.
	bob := demoToken(t, api.Token{Subject: "bob", Scopes: []string{"cloud:manage"}})
	if resp, body := send(t, srv, "DELETE", "/cloud/2", "Authorization", bob, "If-Match", "*"); resp.StatusCode != http.StatusNoContent {
		t.Errorf("DELETE of bob's cloud with If-Match: *: %d %s, want 204", resp.StatusCode, body)
	}
}
