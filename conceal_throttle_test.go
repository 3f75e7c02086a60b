package chiguard_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/go-chi/chi/v5"
)

// A client that has spent its failures on a concealed route gets the 404
// of an unknown path from the failure throttle, not its 429: else 3 wrong
// keys would tell the hidden route from a missing one. A visible route
// keeps the 429.
func TestConcealedRouteHidesTheFailureThrottle(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "demo-app-key", ClientID: "demo-app"})
	if err != nil {
		t.Fatal(err)
	}
	ok := func(w http.ResponseWriter, r *http.Request) {}
	r := chi.NewRouter()
	r.Use((&problem.Writer{}).Handler)
	r.NotFound(middleware.NotFound)
	r.With(auth.Conceal, auth.Authenticate(auth.APIKey(keys), ratelimit.LimitFailures(2, time.Minute))).Get("/hidden", ok)
	r.With(auth.Authenticate(auth.APIKey(keys), ratelimit.LimitFailures(2, time.Minute))).Get("/visible", ok)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "ApiKey wrong")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		resp.Header.Del("Date")
		return resp, string(b)
	}
	unknown, unknownBody := get("/nothing")
	for i := range 4 {
		resp, body := get("/hidden")
		if resp.StatusCode != http.StatusNotFound || !reflect.DeepEqual(resp.Header, unknown.Header) || body != unknownBody {
			t.Fatalf("probe %d of the concealed route: %d %v %s\nwant the unknown path's %d %v %s",
				i+1, resp.StatusCode, resp.Header, body, unknown.StatusCode, unknown.Header, unknownBody)
		}
	}
	for range 2 {
		get("/visible")
	}
	resp, body := get("/visible")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("visible route once throttled: %d %v %s, want a 429 with Retry-After", resp.StatusCode, resp.Header, body)
	}
}
