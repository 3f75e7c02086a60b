package auth_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/ratelimit"
)

// One budget of failed credentials over two route groups: the guesses a
// client makes on one count on the other, where even the right key then
// gets a 429 without being checked.
func ExampleThrottleFailures() {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "right-key", ClientID: "app"})
	if err != nil {
		panic(err)
	}
	failures, err := ratelimit.NewFailureLimiter(ratelimit.Policy{Quota: 2, Window: time.Minute})
	if err != nil {
		panic(err)
	}
	ok := func(http.ResponseWriter, *http.Request) {}
	r := chi.NewRouter()
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(keys), auth.ThrottleFailures(failures)))
		r.Get("/cloud", ok)
	})
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.APIKey(keys), auth.Realm("admin"), auth.ThrottleFailures(failures)))
		r.Get("/admin", ok)
	})

	for _, req := range []struct{ path, key string }{
		{"/cloud", "guess-1"},
		{"/admin", "guess-2"},
		{"/cloud", "right-key"},
		{"/admin", "right-key"},
	} {
		rq := httptest.NewRequest(http.MethodGet, req.path, nil)
		rq.Header.Set("Authorization", "ApiKey "+req.key)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, rq)
		fmt.Println(req.path, req.key, w.Code)
	}
	// Output:
	// /cloud guess-1 401
	// /admin guess-2 401
	// /cloud right-key 429
	// /admin right-key 429
}
