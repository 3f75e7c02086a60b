package auth

import (
	"net/http"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// A Cache-Control that a middleware before Authenticate set for the
// route, such as "public, max-age=300" on a read-only API behind a CDN,
// lets a shared cache store the answer under its URL, token and all: an
// answer to a query token is made private all the same, the directives
// for shared caches giving way to "private" and the others kept. One that
// is private already, or not stored at all, stays; "private" naming
// fields keeps the rest shareable, so it gives way too.
func TestQueryTokenAnswersArePrivateWhateverCameBefore(t *testing.T) {
	valid := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	for _, tt := range []struct{ before, want string }{
		{"public, max-age=300", "private, max-age=300"},
		{"s-maxage=60", "private"},
		{"no-cache", "private, no-cache"},
		{`private="Set-Cookie", max-age=60`, "private, max-age=60"},
		{`no-cache="X-A, private", public`, `private, no-cache="X-A, private"`},
		{"private, max-age=60", "private, max-age=60"},
		{"max-age=0, PRIVATE", "max-age=0, PRIVATE"},
		{"no-store", "no-store"},
	} {
		cacheable := func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", tt.before)
				next.ServeHTTP(w, r)
			})
		}
		auth := Authenticate(Bearer(hsVerifier(t, nil)), QueryToken())
		h := newRouter(func(next http.Handler) http.Handler { return cacheable(auth(next)) }, nil)
		rec := do(h, "/me?access_token="+valid)
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != tt.want {
			t.Errorf("after %q: %d, Cache-Control %q, want %q", tt.before, rec.Code, rec.Header().Values("Cache-Control"), tt.want)
		}
		// A token in the header changes nothing.
		if rec := do(h, "/me", "Bearer "+valid); rec.Code != 200 || rec.Header().Get("Cache-Control") != tt.before {
			t.Errorf("header token after %q: %d, Cache-Control %q", tt.before, rec.Code, rec.Header().Values("Cache-Control"))
		}
	}
}
