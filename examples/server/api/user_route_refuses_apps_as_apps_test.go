package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/examples/server/api"
)

// GET /user is exclusive to users: an app is told so, whatever its
// scopes, as the greeting's curl promises ("403: /user is exclusive to
// users, and this is an app's token") with the app token it prints, which
// has cloud:read only. Telling it that it lacks user:read instead, with an
// insufficient_scope challenge, sends it after a scope that cannot help.
func TestUserRouteRefusesAppsAsApps(t *testing.T) {
	srv := newDemoServer(t)
	for name, auth := range map[string]string{
		"the greeting's app token": demoToken(t, api.Token{Subject: "demo-app", Scopes: []string{"cloud:read"}, App: true}),
		"the demo API key":         "ApiKey " + api.DemoAPIKey,
		"an app with user:read":    demoToken(t, api.Token{Subject: "demo-app", Scopes: []string{"user:read"}, App: true}),
	} {
		resp, body := send(t, srv, "GET", "/user", "Authorization", auth)
		var p struct{ Detail string }
		json.Unmarshal(body, &p)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(p.Detail, "exclusive to users") {
			t.Errorf("%s: %d %s, want a 403 saying /user is exclusive to users", name, resp.StatusCode, body)
		}
		if c := resp.Header.Get("Www-Authenticate"); strings.Contains(c, "insufficient_scope") {
			t.Errorf("%s: WWW-Authenticate %s asks for a scope no app can use here", name, c)
		}
	}
	// A user still needs the scope.
	resp, body := send(t, srv, "GET", "/user", "Authorization", demoToken(t, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}}))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.Header.Get("Www-Authenticate"), `scope="user:read"`) {
		t.Errorf("a user without user:read: %d %s %s, want a 403 asking for user:read", resp.StatusCode, resp.Header.Get("Www-Authenticate"), body)
	}
}
