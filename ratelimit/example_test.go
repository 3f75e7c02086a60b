package ratelimit_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// A route allowing 2 requests a minute per client: the third is a 429
// problem naming the violated policy.
func Example() {
	catalog := problem.NewCatalog("/problems/")
	catalog.MustRegister(problem.DefaultTypes()...) // quota-exceeded among them
	pw := &problem.Writer{Catalog: catalog}

	r := chi.NewRouter()
	r.Use(pw.Handler)
	burst, err := ratelimit.NewLimiter(ratelimit.Policy{Name: "burst", Quota: 2, Window: time.Minute})
	if err != nil {
		panic(err)
	}
	r.With(burst.Handler).Get("/search", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "results") })

	for range 3 {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/search", nil))
		fmt.Println(w.Code, w.Header().Get("RateLimit-Policy"))
		if w.Code == http.StatusTooManyRequests {
			var p struct {
				Type     string   `json:"type"`
				Violated []string `json:"violated-policies"`
			}
			json.Unmarshal(w.Body.Bytes(), &p)
			fmt.Println(p.Type, p.Violated)
		}
	}
	// Output:
	// 200 "burst";q=2;w=60
	// 200 "burst";q=2;w=60
	// 429 "burst";q=2;w=60
	// https://iana.org/assignments/http-problem-types#quota-exceeded [burst]
}

// Behind a proxy, chi's client-IP middleware says which X-Forwarded-For
// entries to trust; the limiter keys anonymous clients by the IP it found.
// Here each client gets a burst limit and a daily quota per route.
func Example_trustedProxies() {
	r := chi.NewRouter()
	r.Use(chimw.ClientIPFromXFF("10.0.0.0/8")) // the load balancers
	r.Group(func(r chi.Router) {
		limiter, err := ratelimit.NewLimiter(ratelimit.Policy{Name: "burst", Quota: 1, Window: time.Second},
			ratelimit.AndPolicy(ratelimit.Policy{Name: "daily", Quota: 1000, Window: 24 * time.Hour}),
			ratelimit.KeyBy(ratelimit.ByPrincipalOrIP, ratelimit.ByRoute))
		if err != nil {
			panic(err)
		}
		r.Use(limiter.Handler)
		r.Get("/items/{id}", func(http.ResponseWriter, *http.Request) {})
	})

	for _, client := range []string{"198.51.100.7", "198.51.100.7", "203.0.113.9"} {
		req := httptest.NewRequest(http.MethodGet, "/items/1", nil)
		req.RemoteAddr = "10.0.0.2:5000"
		req.Header.Set("X-Forwarded-For", client)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		fmt.Println(client, w.Code)
	}
	// Output:
	// 198.51.100.7 200
	// 198.51.100.7 429
	// 203.0.113.9 200
}

// One option on Authenticate holds back credential guessing: after 2 wrong
// API keys a client's credentials, even the right ones, get a 429 without
// being checked. Requests without credentials, and other clients, are
// unaffected.
func ExampleLimitFailures() {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "right-key", ClientID: "app"})
	if err != nil {
		panic(err)
	}
	r := chi.NewRouter()
	r.Group(func(r chi.Router) { // after routing, where Authenticate goes
		r.Use(auth.Authenticate(auth.APIKey(keys), ratelimit.LimitFailures(2, time.Minute)))
		r.Get("/cloud", func(http.ResponseWriter, *http.Request) {})
	})

	for _, req := range []struct{ client, key string }{
		{"198.51.100.7", "guess-1"},
		{"198.51.100.7", "guess-2"},
		{"198.51.100.7", "guess-3"},
		{"198.51.100.7", "right-key"},
		{"198.51.100.7", ""},
		{"203.0.113.9", "right-key"},
	} {
		rq := httptest.NewRequest(http.MethodGet, "/cloud", nil)
		rq.RemoteAddr = req.client + ":5000"
		if req.key != "" {
			rq.Header.Set("Authorization", "ApiKey "+req.key)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, rq)
		line := fmt.Sprintf("%-12s %-9s %d %s", req.client, req.key, w.Code, w.Header().Get("RateLimit-Policy"))
		fmt.Println(strings.TrimSpace(line))
	}
	// Output:
	// 198.51.100.7 guess-1   401 "auth-failures";q=2;w=60
	// 198.51.100.7 guess-2   401 "auth-failures";q=2;w=60
	// 198.51.100.7 guess-3   429 "auth-failures";q=2;w=60
	// 198.51.100.7 right-key 429 "auth-failures";q=2;w=60
	// 198.51.100.7           401
	// 203.0.113.9  right-key 200
}
