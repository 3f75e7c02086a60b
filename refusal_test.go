package chiguard_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/rawhttp"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
)

// A refusal that does not need the body must reach a client that stalls
// mid-body, instead of waiting for net/http to drain the body first.
func TestRefusalsReachAClientThatStallsMidBody(t *testing.T) {
	pw := &problem.Writer{}
	decode := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v struct{ Name string }
		return (&bind.JSONDecoder{MaxBytes: 64}).Decode(w, r, &v)
	})
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "demo-app-key", ClientID: "demo-app"})
	if err != nil {
		t.Fatal(err)
	}
	authn := auth.Authenticate(auth.APIKey(keys))
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	tests := []struct {
		name    string
		handler http.Handler
		headers string
		status  int
		typ     string
	}{
		{"Authenticate refuses an anonymous request",
			pw.Handler(authn(whoami)),
			"Content-Type: application/json\r\n", 401, "/problems/unauthorized"},
		{"Authenticate, without the writer middleware",
			authn(whoami),
			"Content-Type: application/json\r\n", 401, "/problems/unauthorized"},
		{"the JSON decoder refuses by Content-Type", pw.Handler(decode),
			"Content-Type: text/plain\r\n", 415, "/problems/unsupported-media-type"},
		{"the JSON decoder refuses by Content-Length", pw.Handler(decode),
			"Content-Type: application/json\r\n", 413, "/problems/content-too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			t.Cleanup(srv.Close)
			c := rawhttp.Dial(t, srv.Listener.Addr().String(), 5*time.Second)
			c.Send("POST /me HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n" + tt.headers + "\r\n{\"na")
			resp, body := c.Response()
			var p map[string]any
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if resp.StatusCode != tt.status || p["status"] != float64(tt.status) || p["type"] != tt.typ ||
				resp.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			if !resp.Close {
				t.Errorf("Connection %q, want close", resp.Header.Get("Connection"))
			}
		})
	}
}
