package rediscount_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/chiguard/chiguard/ratelimit"
	"github.com/chiguard/chiguard/ratelimit/rediscount"
	goredis "github.com/redis/go-redis/v9"
)

// A limit shared by every replica through Redis. Nothing listens at this
// address, so the counter reports the switch and serves from its local
// fallback: requests are still limited, by each replica alone.
func Example() {
	rdb := goredis.NewUniversalClient(&goredis.UniversalOptions{
		Addrs:                 []string{"127.0.0.1:1"},
		ContextTimeoutEnabled: true, // lets Timeout bound each call on the socket
	})
	defer rdb.Close()
	counter, err := rediscount.NewCounter(rdb, rediscount.Config{
		Timeout:          50 * time.Millisecond,
		FailureThreshold: 1,
		OnStateChange:    func(from, to rediscount.State) { fmt.Println("counter:", from, "->", to) },
		Logger:           slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	defer counter.Close()

	h := ratelimit.Limit(2, time.Minute, ratelimit.CountIn(counter))(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for range 3 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		fmt.Println(w.Code)
	}
	// Output:
	// counter: closed -> open
	// 200
	// 200
	// 429
}
