package api_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/problem"
)

// 300 guessed API keys from one client: by default only 20 are checked,
// the others get a complete 429 unchecked, in memory with parallel
// guesses as in Redis with guesses alternating between two instances.
// The client's right key is held back too; another client, and the
// client's requests without credentials, are not.
//
// The failures are counted in a sliding minute of the real clock (Redis's
// own, or the local counter's), which the test cannot move: guesses that
// go on for 3 s after a minute turns see the first failures age out, so a
// run that crosses a minute's turn is done once more, from another
// address. 300 guesses take a tenth of a second, and 5 s under -race on a
// machine with a load average of 30.
func TestGuessedAPIKeysAreThrottled(t *testing.T) {
	const guesses, checked = 300, 20
	tests := []struct {
		name      string
		redis     bool
		instances int
		workers   int
	}{
		{"in memory, parallel guesses", false, 1, 16},
		{"in Redis, two instances", true, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := api.DefaultConfig()
			cfg.Logger = slog.New(slog.DiscardHandler)
			if tt.redis {
				cfg.RedisAddr = redistest.Start(t).Addr
				// A loaded machine must not trip the fallback, which counts
				// each instance's failures apart (as it should).
				cfg.RedisTimeout = 10 * time.Second
			}
			var instances []http.Handler
			for range tt.instances {
				a, err := api.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(a.Close)
				instances = append(instances, a)
			}
			send := func(i int, remote, key string) *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodGet, "/cloud/2", nil)
				r.RemoteAddr = remote
				if key != "" {
					r.Header.Set("Authorization", "ApiKey "+key)
				}
				w := httptest.NewRecorder()
				instances[i%len(instances)].ServeHTTP(w, r)
				return w
			}
			retryAfter := regexp.MustCompile(`^[1-9]\d*$`)
			guess := func(attacker string) (unauthorized, throttled int64) {
				var next, u, th atomic.Int64
				var wg sync.WaitGroup
				errs := make(chan string, guesses)
				for range tt.workers {
					wg.Go(func() {
						for i := int(next.Add(1)); i <= guesses; i = int(next.Add(1)) {
							w := send(i, attacker, fmt.Sprintf("guess-%04d", i))
							switch w.Code {
							case http.StatusUnauthorized:
								u.Add(1)
							case http.StatusTooManyRequests:
								th.Add(1)
								var p struct{ Type string }
								json.Unmarshal(w.Body.Bytes(), &p)
								ra := w.Header().Get("Retry-After")
								if !retryAfter.MatchString(ra) || p.Type != problem.QuotaExceededURI ||
									w.Header().Get("RateLimit") != `"auth-failures";r=0;t=`+ra ||
									w.Header().Get("RateLimit-Policy") != `"auth-failures";q=20;w=60` {
									errs <- fmt.Sprintf("incomplete 429: %v %s", w.Header(), w.Body)
								}
							default:
								errs <- fmt.Sprintf("guess %d: %d %s", i, w.Code, w.Body)
							}
						}
					})
				}
				wg.Wait()
				close(errs)
				for e := range errs {
					t.Error(e)
				}
				return u.Load(), th.Load()
			}
			attacker := "198.51.100.7:40000"
			start := time.Now()
			unauthorized, throttled := guess(attacker)
			if end := time.Now(); !end.Truncate(time.Minute).Equal(start.Truncate(time.Minute)) {
				t.Logf("the guesses crossed a minute's turn (%s to %s): once more, from another address",
					start.Format(time.StampMilli), end.Format(time.StampMilli))
				attacker = "198.51.100.8:40000"
				unauthorized, throttled = guess(attacker)
			}
			if unauthorized != checked || throttled != guesses-checked {
				t.Fatalf("%d guesses checked (401), %d throttled (429); want %d and %d",
					unauthorized, throttled, checked, guesses-checked)
			}

			for i, tt := range []struct {
				remote, key string
				want        int
			}{
				{attacker, api.DemoAPIKey, http.StatusTooManyRequests},
				{attacker, "", http.StatusUnauthorized},
				{"203.0.113.9:1000", api.DemoAPIKey, http.StatusOK},
				{"203.0.113.9:1000", "guess", http.StatusUnauthorized},
			} {
				for j := range instances {
					if w := send(j, tt.remote, tt.key); w.Code != tt.want {
						t.Errorf("request %d on instance %d (%s, key %q): %d, want %d", i+1, j, tt.remote, tt.key, w.Code, tt.want)
					}
				}
			}
		})
	}
}
