package chiguard_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/elnormous/contenttype"

	"github.com/chiguard/chiguard/examples/server/api"
	"github.com/chiguard/chiguard/internal/testkit"
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

// BenchmarkStackSteps builds the recommended stack one middleware at a time,
// so that each one's share is the difference between two rows; the
// "vs/" rows put a chiguard middleware and the one a user would pick
// instead on the same writer-and-router base. The request carries a valid
// token and no Accept header.
func BenchmarkStackSteps(b *testing.B) {
	const secret = "bench-secret-bench-secret-bench-secret"
	cfg := api.DefaultConfig()
	token, err := api.Mint(secret, cfg.Issuer, cfg.Audience, api.Token{Subject: "alice", Scopes: []string{"cloud:read"}, TTL: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	jwt, err := auth.NewJWT(auth.JWTConfig{
		Algorithms: []string{"HS256"}, Key: []byte(secret), Issuer: cfg.Issuer, Audience: cfg.Audience,
	})
	if err != nil {
		b.Fatal(err)
	}
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}
	pw := &problem.Writer{}
	offers := []contenttype.MediaType{contenttype.NewMediaType("application/json")}
	theirNegotiate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, _, err := contenttype.GetAcceptableMediaType(r, offers); err != nil {
				w.WriteHeader(http.StatusNotAcceptable)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	steps := []struct {
		name string
		root []func(http.Handler) http.Handler
		// route is mounted per route, as the group's and route's r.With.
		route []func(http.Handler) http.Handler
	}{
		{name: "0-bare"},
		{name: "1-writer", root: mws(pw.Handler)},
		{name: "2-recoverer", root: mws(pw.Handler, middleware.Recoverer)},
		{name: "3-requestid", root: mws(pw.Handler, middleware.Recoverer, middleware.RequestID)},
		{name: "4-authenticate", root: mws(pw.Handler, middleware.Recoverer, middleware.RequestID),
			route: mws(auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)))},
		{name: "5-limit", root: mws(pw.Handler, middleware.Recoverer, middleware.RequestID),
			route: mws(auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)),
				ratelimit.Limit(1_000_000_000, time.Minute))},
		{name: "6-scopes", root: mws(pw.Handler, middleware.Recoverer, middleware.RequestID),
			route: mws(auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)),
				ratelimit.Limit(1_000_000_000, time.Minute), auth.RequireScopes("cloud:read"))},
		{name: "7-negotiate", root: mws(pw.Handler, middleware.Recoverer, middleware.RequestID),
			route: mws(auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)),
				ratelimit.Limit(1_000_000_000, time.Minute), auth.RequireScopes("cloud:read"),
				middleware.Negotiate("application/json"))},

		{name: "vs/recoverer/chiguard", root: mws(pw.Handler, middleware.Recoverer)},
		{name: "vs/recoverer/chi", root: mws(pw.Handler, chimw.Recoverer)},
		{name: "vs/requestid/chiguard", root: mws(pw.Handler, middleware.RequestID)},
		{name: "vs/requestid/chi", root: mws(pw.Handler, chimw.RequestID)},
		{name: "vs/negotiate/chiguard", root: mws(pw.Handler), route: mws(middleware.Negotiate("application/json"))},
		{name: "vs/negotiate/contenttype", root: mws(pw.Handler), route: mws(theirNegotiate)},
	}
	for _, s := range steps {
		r := chi.NewRouter()
		r.Use(s.root...)
		r.With(s.route...).Get("/cloud", ok)
		b.Run(s.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/cloud", nil)
			req.RemoteAddr = "192.0.2.1:1234"
			req.Header.Set("Authorization", "Bearer "+token)
			w := &discard{h: http.Header{}}
			r.ServeHTTP(w, req) // warm the token cache
			if w.code != 0 && w.code != 200 {
				b.Fatalf("status %d", w.code)
			}
			b.ReportAllocs()
			defer testkit.ReportCPU(b)()
			for b.Loop() {
				clear(w.h)
				r.ServeHTTP(w, req)
			}
		})
	}
}

func mws(m ...func(http.Handler) http.Handler) []func(http.Handler) http.Handler { return m }
