package auth_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/ratelimit"
)

// A route concealed twice, on its own and by the subrouter it sits in
// (mounted as auth.Conceal(sub)), answers as the outer Conceal: its 404
// carries the headers of the root's 404, not the RateLimit fields a
// limiter between the two set.
func TestARouteConcealedTwiceAnswersLikeTheRoot(t *testing.T) {
	keys := adminKeys(t)
	r := concealRoot()
	sub := chi.NewRouter()
	sub.Use(ratelimit.Limit(100, time.Minute, ratelimit.KeyBy(ratelimit.ByIP)))
	sub.With(auth.Conceal, auth.Authenticate(auth.APIKey(keys)), auth.RequireScopes("admin")).
		Put("/flags", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	r.Mount("/admin", auth.Conceal(sub))

	for _, tt := range []struct{ method, path string }{
		{http.MethodPut, "/admin/flags"},
		{http.MethodGet, "/admin/flags"},
		{http.MethodGet, "/admin/nothing"},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			sameAsNotFound(t, r, send(r, tt.method, tt.path, "X-Request-Id", "req-1"))
		})
	}
	rec := send(r, http.MethodPut, "/admin/flags", "Authorization", "ApiKey admin-key")
	if rec.Code != http.StatusNoContent || rec.Header().Get("RateLimit") == "" {
		t.Errorf("the admin: %d %v", rec.Code, rec.Header())
	}
}
