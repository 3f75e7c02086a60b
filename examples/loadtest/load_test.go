package loadtest

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/go-chi/chi/v5"
)

const secret = "loadtest-secret-loadtest-secret-00"

func token(tb testing.TB, secret string, scopes ...string) string {
	cfg := api.DefaultConfig()
	t, err := api.Mint(secret, cfg.Issuer, cfg.Audience, api.Token{Subject: "alice", Scopes: scopes})
	if err != nil {
		tb.Fatal(err)
	}
	return "Bearer " + t
}

// server serves one pass-through handler twice: bare at /bare, and behind
// the recommended stack at /stack, and bare again at /headers but sending
// the headers the stack adds (X-Request-Id, Vary, RateLimit,
// RateLimit-Policy), values of the same length included: what the
// protocol costs apart from the middlewares.
func server(tb testing.TB) *httptest.Server {
	cfg := api.DefaultConfig()
	jwt, err := auth.NewJWT(auth.JWTConfig{Algorithms: []string{"HS256"}, Key: []byte(secret),
		Issuer: cfg.Issuer, Audience: cfg.Audience})
	if err != nil {
		tb.Fatal(err)
	}
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Get("/bare", ok)
	stackHeaders := http.Header{
		"X-Request-Id":     {"ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
		"Vary":             {"Accept"},
		"Ratelimit":        {`"1000000000-per-1m";r=999999999;t=60`},
		"Ratelimit-Policy": {`"1000000000-per-1m";q=1000000000;w=60`},
	}
	r.Get("/headers", func(w http.ResponseWriter, r *http.Request) {
		for k, v := range stackHeaders {
			w.Header()[k] = v
		}
		ok(w, r)
	})
	r.Group(func(r chi.Router) {
		r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID,
			auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)),
			ratelimit.Limit(1_000_000_000, time.Minute),
			middleware.Negotiate("application/json"))
		r.With(auth.RequireScopes("cloud:read")).Get("/stack", ok)
	})
	srv := httptest.NewServer(r)
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkLoad measures requests over keep-alive loopback connections
// from concurrent clients; compare the two sub-benchmarks' req/s.
func BenchmarkLoad(b *testing.B) {
	srv := server(b)
	auth := token(b, secret, "cloud:read")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	for _, route := range []string{"bare", "stack"} {
		b.Run("route="+route, func(b *testing.B) {
			url := srv.URL + "/" + route
			var failed atomic.Int64
			b.SetParallelism(8)
			b.ReportAllocs()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", auth)
				req.Header.Set("Accept", "application/json")
				for pb.Next() {
					resp, err := client.Do(req)
					if err != nil {
						failed.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						failed.Add(1)
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d requests failed", n, b.N)
			}
		})
	}
}

// TestTwoInstancesShareOneLimit: two demo API instances counting in one
// real Redis allow exactly the limit across both, whatever instance each
// concurrent request reaches; every other request gets a complete 429.
func TestTwoInstancesShareOneLimit(t *testing.T) {
	rs := redistest.Start(t)
	const limit, requests, clients = 25, 120, 8
	var urls []string
	for range 2 {
		cfg := api.DefaultConfig()
		cfg.RedisAddr = rs.Addr
		// A loaded machine must not trip the fallback, where each instance
		// counts alone: this test is about the shared count.
		cfg.RedisTimeout = 10 * time.Second
		cfg.RateLimit = api.Rate{N: limit, Window: time.Hour}
		cfg.Logger = discard
		a, err := api.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a)
		t.Cleanup(func() { srv.Close(); a.Close() })
		urls = append(urls, srv.URL)
	}
	auth := token(t, api.DemoSecret, "cloud:read")
	var next, allowed, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan string, requests)
	retryAfter := regexp.MustCompile(`^[1-9]\d*$`)
	for c := range clients {
		wg.Go(func() {
			for next.Add(1) <= requests {
				req, _ := http.NewRequest("GET", urls[c%2]+"/cloud", nil)
				req.Header.Set("Authorization", auth)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case 200:
					allowed.Add(1)
				case 429:
					refused.Add(1)
					var p struct {
						Type     string   `json:"type"`
						Violated []string `json:"violated-policies"`
					}
					json.Unmarshal(body, &p)
					if !retryAfter.MatchString(resp.Header.Get("Retry-After")) ||
						resp.Header.Get("RateLimit") != `"default";r=0;t=`+resp.Header.Get("Retry-After") ||
						p.Type != problem.QuotaExceededURI || len(p.Violated) != 1 {
						errs <- "incomplete 429: " + strconv.Quote(resp.Header.Get("RateLimit")) + " " + string(body)
					}
				default:
					errs <- "status " + resp.Status + ": " + string(body)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if allowed.Load() != limit || refused.Load() != requests-limit {
		t.Fatalf("allowed %d, refused %d; want exactly %d and %d", allowed.Load(), refused.Load(), limit, requests-limit)
	}
}

// /headers sends the very header fields the stack adds, so that
// BenchmarkWrk's %-of-headers compares like with like.
func TestHeadersRouteSendsTheStacksHeaders(t *testing.T) {
	srv := server(t)
	auth := token(t, secret, "cloud:read")
	fields := func(route string) map[string]int {
		req, _ := http.NewRequest("GET", srv.URL+"/"+route, nil)
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", route, resp.Status)
		}
		m := map[string]int{}
		for k, v := range resp.Header {
			if k != "Date" {
				m[k] = len(strings.Join(v, ",")) / 8 // RateLimit's t varies by a digit
			}
		}
		return m
	}
	if got, want := fields("headers"), fields("stack"); !maps.Equal(got, want) {
		t.Errorf("/headers sends fields (name: length/8) %v, the stack %v", got, want)
	}
}
