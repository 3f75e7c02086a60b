package chiguard_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"
	"github.com/go-chi/jwtauth/v5"
)

func bareRouter(h http.HandlerFunc) http.Handler {
	r := chi.NewRouter()
	r.Get("/cloud", h)
	return r
}

// fullStack is the recommended stack (see package chiguard) on a
// pass-through route.
func fullStack(tb testing.TB, secret string, h http.HandlerFunc) http.Handler {
	jwt, err := auth.NewJWT(auth.JWTConfig{
		Algorithms: []string{"HS256"}, Key: []byte(secret), Issuer: "chiguard-demo", Audience: "chiguard-api",
	})
	if err != nil {
		tb.Fatal(err)
	}
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)),
			ratelimit.Limit(1_000_000_000, time.Minute))
		r.With(auth.RequireScopes("cloud:read"), middleware.Negotiate("application/json")).Get("/cloud", h)
	})
	return r
}

// anchorStack is what a chi user assembles today without chiguard.
func anchorStack(secret string, h http.HandlerFunc) http.Handler {
	auth := jwtauth.New("HS256", []byte(secret), nil)
	r := chi.NewRouter()
	r.Use(chimw.RequestID, chimw.Recoverer, jwtauth.Verifier(auth), jwtauth.Authenticator(auth),
		httprate.LimitBy(1_000_000_000, time.Minute, func(r *http.Request) (string, error) {
			_, claims, err := jwtauth.FromContext(r.Context())
			if err != nil {
				return "", err
			}
			sub, _ := claims["sub"].(string)
			return sub, nil
		}))
	r.Get("/cloud", h)
	return r
}
