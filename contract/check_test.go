package contract_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/ratelimit"
)

func TestCheckFindsMisorders(t *testing.T) {
	jwt := jwtVerifier(t)
	authn := func(opts ...auth.Option) func(http.Handler) http.Handler {
		return auth.Authenticate(append([]auth.Option{auth.Bearer(jwt)}, opts...)...)
	}
	byRoute := ratelimit.Limit(10, time.Minute, ratelimit.KeyBy(ratelimit.ByRoute))
	byPrincipal := ratelimit.Limit(10, time.Minute, ratelimit.KeyBy(ratelimit.ByPrincipal))
	json := middleware.Negotiate("application/json")
	tests := []struct {
		name   string
		router func() chi.Router
		want   []string // each in the error, route and fix included
	}{
		{"scopes without Authenticate", func() chi.Router {
			r := newRoot(writer())
			r.With(auth.RequireScopes("a")).Get("/x", ok)
			return r
		}, []string{"GET /x: auth.RequireScopes runs with no auth.Authenticate before it, so it answers every request with a 500; " +
			"fix: add auth.Authenticate to the route or its group, ahead of auth.RequireScopes"}},
		{"user, app and authenticated checks before Authenticate", func() chi.Router {
			r := newRoot(writer())
			r.With(auth.RequireUser, authn()).Get("/u", ok)
			r.With(auth.RequireApp).Get("/a", ok)
			r.With(auth.RequireAuthenticated).Get("/p", ok)
			r.With(auth.RequireAnyScope("a", "b")).Get("/s", ok)
			return r
		}, []string{
			"GET /u: auth.RequireUser runs with no auth.Authenticate before it",
			"GET /a: auth.RequireApp runs with no auth.Authenticate before it",
			"GET /p: auth.RequireAuthenticated runs with no auth.Authenticate before it",
			"GET /s: auth.RequireAnyScope runs with no auth.Authenticate before it",
		}},
		{"a limiter by route before routing, one route", func() chi.Router {
			r := newRoot(writer(), byRoute)
			r.Get("/x", ok)
			return r
		}, []string{"GET /x: ratelimit.Limit keys by route (ratelimit.ByRoute) but runs before routing, where no route is known, " +
			"so it answers every request with a 500; fix: mount it with r.With, or in r.Group or r.Route, not with r.Use on the root router"}},
		{"a limiter by route before routing, every route", func() chi.Router {
			r := newRoot(writer(), byRoute)
			r.Get("/x", ok)
			r.Post("/y", ok)
			return r
		}, []string{"every route: ratelimit.Limit keys by route (ratelimit.ByRoute) but runs before routing"}},
		{"a limiter by principal without Authenticate", func() chi.Router {
			r := newRoot(writer())
			r.With(byPrincipal).Get("/x", ok)
			return r
		}, []string{"GET /x: ratelimit.Limit keys by principal (ratelimit.ByPrincipal) with no auth.Authenticate before it, " +
			"so no request has a principal to count: those are refused with a 503; fix: put it after auth.Authenticate"}},
		{"a limiter by principal for anonymous callers", func() chi.Router {
			r := newRoot(writer())
			r.With(authn(auth.AllowAnonymous()), ratelimit.Limit(10, time.Minute, ratelimit.KeyBy(ratelimit.ByPrincipal), ratelimit.FailOpen())).
				Get("/x", ok)
			return r
		}, []string{"GET /x: ratelimit.Limit keys by principal (ratelimit.ByPrincipal) after an auth.Authenticate that lets anonymous callers through, " +
			"who have no principal: those are never limited; fix: key by ratelimit.ByPrincipalOrIP"}},
		{"a limiter by principal or IP before Authenticate", func() chi.Router {
			r := newRoot(writer())
			r.Group(func(r chi.Router) {
				r.Use(ratelimit.Limit(10, time.Minute), authn())
				r.Get("/x", ok)
			})
			return r
		}, []string{"GET /x: ratelimit.Limit keys by principal but runs before auth.Authenticate, so it counts every caller by client IP; " +
			"fix: put it after auth.Authenticate"}},
		{"Conceal after Authenticate", func() chi.Router {
			r := newRoot(writer())
			r.With(authn(), auth.Conceal, auth.RequireScopes("admin")).Put("/admin", ok)
			return r
		}, []string{"PUT /admin: auth.Conceal comes after auth.Authenticate, whose 401 tells a caller without credentials that the route exists; " +
			"fix: put auth.Conceal first on the route or its group, ahead of auth.Authenticate"}},
		{"Conceal after middlewares that set headers", func() chi.Router {
			r := newRoot(writer())
			r.With(ratelimit.Limit(10, time.Minute, ratelimit.KeyBy(ratelimit.ByIP)), json, auth.Conceal, authn(), auth.RequireScopes("admin")).
				Put("/admin", ok)
			return r
		}, []string{
			"PUT /admin: ratelimit.Limit sets RateLimit-Policy, RateLimit before auth.Conceal, so the concealed route's 404 carries it where an unknown path's does not; " +
				"fix: put auth.Conceal ahead of ratelimit.Limit",
			"PUT /admin: middleware.Negotiate sets Vary before auth.Conceal",
		}},
		{"Negotiate and input before the authorization check of a concealed route", func() chi.Router {
			r := newRoot(writer())
			r.With(auth.Conceal, authn(), json, bind.Body[newCloud](nil), auth.RequireScopes("admin")).Put("/admin", ok)
			return r
		}, []string{
			"PUT /admin: middleware.Negotiate runs before the authorization checks of a concealed route, so its 406 tells a caller without access that the route exists; " +
				"fix: put it after auth.RequireScopes",
			"PUT /admin: bind.Body runs before the authorization checks of a concealed route, so its 400, 413, 415 tells",
		}},
		{"Negotiate and input before authentication and authorization", func() chi.Router {
			r := newRoot(writer())
			r.With(json, authn(), bind.ValidatePath[int64]("id"), bind.Body[newCloud](nil), auth.RequireScopes("cloud:write")).Put("/cloud/{id}", ok)
			r.With(bind.Body[newCloud](nil), authn()).Post("/cloud", ok)
			return r
		}, []string{
			"PUT /cloud/{id}: middleware.Negotiate runs before auth.RequireScopes, so a caller without access gets its 406 rather than the 401 or 403, " +
				"and learns what the route takes; fix: put it after auth.RequireScopes",
			"PUT /cloud/{id}: bind.ValidatePath runs before auth.RequireScopes, so a caller without access gets its 400 rather than",
			"PUT /cloud/{id}: bind.Body runs before auth.RequireScopes, so a caller without access gets its 400, 413, 415 rather than",
			"POST /cloud: bind.Body runs before auth.Authenticate, so a caller without access gets its 400, 413, 415 rather than the 401 or 403",
		}},
		{"Maintenance after Authenticate and a limiter", func() chi.Router {
			m := &middleware.Maintenance{}
			r := newRoot(writer())
			r.With(authn(), ratelimit.Limit(10, time.Minute), m.Handler).Get("/x", ok)
			return r
		}, []string{
			"GET /x: middleware.Maintenance.Handler runs after auth.Authenticate, so while the API is down credentials are still checked, " +
				"and a bad one gets a 401 rather than the maintenance answer; fix: install it on the root router, with r.Use, ahead of auth.Authenticate",
			"GET /x: middleware.Maintenance.Handler runs after ratelimit.Limit, so while the API is down requests still spend their quota",
		}},
		{"Conceal under chi's own 404 and 405", func() chi.Router {
			r := chi.NewRouter()
			r.Use(writer().Handler, middleware.Recoverer)
			r.With(auth.Conceal, authn()).Put("/admin", ok)
			return r
		}, []string{
			"PUT /admin: chi's MethodNotAllowed lists the concealed route's method in the Allow header of its 405; " +
				"fix: install r.MethodNotAllowed(middleware.MethodNotAllowed), which leaves concealed routes out",
			"PUT /admin: chi's NotFound answers an unknown path with text/plain, where the concealed route answers a problem; " +
				"fix: install r.NotFound(middleware.NotFound), whose 404 is the one Conceal sends",
		}},
		{"no problem writer", func() chi.Router {
			r := chi.NewRouter()
			r.Use(middleware.Recoverer)
			r.Get("/x", ok)
			return r
		}, []string{"GET /x: problem.Writer.Handler is missing, so every refusal is written by problem.DefaultWriter, " +
			"without the API's catalog, logger and alert hook; fix: install the writer first: r.Use(pw.Handler, middleware.Recoverer, ...)"}},
		{"the problem writer after the Recoverer", func() chi.Router {
			r := chi.NewRouter()
			r.Use(middleware.Recoverer, writer().Handler)
			r.Get("/x", ok)
			return r
		}, []string{"GET /x: middleware.Recoverer runs before the problem writer's Handler, so the 500 of a panic is written " +
			"without the API's catalog, logger and alert hook; fix: put pw.Handler ahead of middleware.Recoverer"}},
		{"RequireUser behind API keys alone", func() chi.Router {
			r := newRoot(writer())
			r.With(auth.Authenticate(auth.APIKey(apiKeys(t))), auth.RequireUser).Get("/user", ok)
			return r
		}, []string{"GET /user: auth.RequireUser comes after an auth.Authenticate that reads only API keys, which authenticate apps, " +
			"so it refuses every caller; fix: accept the credentials of users (auth.Bearer) on the route"}},
		{"Maintenance before the problem writer", func() chi.Router {
			r := chi.NewRouter()
			r.Use((&middleware.Maintenance{}).Handler, writer().Handler, middleware.Recoverer)
			r.Get("/x", ok)
			return r
		}, []string{"GET /x: middleware.Maintenance.Handler runs before the problem writer's Handler, so its 503 is written " +
			"without the API's catalog, logger and alert hook; fix: put pw.Handler ahead of middleware.Maintenance.Handler"}},
		{"the problem writer on the route only", func() chi.Router {
			r := chi.NewRouter()
			r.MethodNotAllowed(middleware.MethodNotAllowed)
			r.With(ratelimit.Limit(10, time.Minute), writer().Handler, middleware.Recoverer).Get("/x", ok)
			return r
		}, []string{
			"GET /x: ratelimit.Limit runs before the problem writer's Handler, so its 429 is written without the API's catalog, " +
				"logger and alert hook; fix: install the writer first, on the root router: r.Use(pw.Handler, middleware.Recoverer, ...)",
			"GET /x: middleware.MethodNotAllowed runs before the problem writer's Handler, so its 405 is written without",
		}},
		{"path validation of a parameter the pattern lacks", func() chi.Router {
			r := newRoot(writer())
			r.With(bind.ValidatePath[int64]("cloudId")).Get("/cloud/{id}", ok)
			return r
		}, []string{"GET /cloud/{id}: bind.ValidatePath validates the path parameter cloudId, which the pattern lacks, " +
			"so it answers every request with a 500; fix: name a parameter of /cloud/{id}"}},
		{"HeadAsGet after routing", func() chi.Router {
			r := newRoot(writer())
			r.With(middleware.HeadAsGet).Get("/x", ok)
			return r
		}, []string{"GET /x: middleware.HeadAsGet runs after routing, where chi has already answered a HEAD request that no route serves; " +
			"fix: install it on the root router, with r.Use"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := contract.Check(tt.router())
			if err == nil {
				t.Fatal("Check found nothing")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check:\n%v\nwant it to say:\n%s", err, w)
				}
			}
			var ce *contract.CheckError
			if !errors.As(err, &ce) || ce.Fix == "" || ce.Middleware == "" {
				t.Errorf("not a *CheckError with a fix: %#v", err)
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tt.want) {
				t.Errorf("%d errors, want %d:\n%v", n, len(tt.want), err)
			}
		})
	}
}

// A public route, whose Authenticate lets anonymous callers through and
// nothing after it requires a principal, tells no caller more than any
// caller may learn: its negotiation and input may come before Authenticate.
func TestCheckPassesAPublicRoutesInputBeforeAnAnonymousAuthenticate(t *testing.T) {
	r := newRoot(writer())
	anyone := auth.Authenticate(auth.Bearer(jwtVerifier(t)), auth.AllowAnonymous())
	r.With(middleware.Negotiate("application/json"), bind.ValidatePath[int64]("id"), anyone).Get("/public/{id}", ok)
	if err := contract.Check(r); err != nil {
		t.Error(err)
	}
	r.With(middleware.Negotiate("application/json"), anyone, auth.RequireAuthenticated).Get("/private", ok)
	if err := contract.Check(r); err == nil || !strings.Contains(err.Error(), "GET /private: middleware.Negotiate runs before auth.RequireAuthenticated") {
		t.Errorf("Check of a private route's Negotiate before its requirement: %v", err)
	}
}

// The order the package chiguard documents passes, concealed route and
// public routes included.
func TestCheckPassesTheRecommendedOrder(t *testing.T) {
	pw := writer()
	jwt := jwtVerifier(t)
	m := &middleware.Maintenance{}
	r := newRoot(pw, m.Handler, middleware.HeadAsGet)
	r.Get("/healthz", ok)
	r.Handle("/problems/*", pw.Catalog.DocsHandler())
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(jwt), ratelimit.LimitFailures(20, time.Minute)), ratelimit.Limit(600, time.Minute))
		r.With(auth.RequireScopes("cloud:read"), middleware.Negotiate("application/json"), bind.ValidatePath[int64]("id"),
			middleware.Conditional).Get("/cloud/{id}", ok)
	})
	r.With(auth.Conceal, auth.Authenticate(auth.Bearer(jwt)), ratelimit.Limit(10, time.Minute, ratelimit.KeyBy(ratelimit.ByPrincipal)),
		auth.RequireScopes("admin"), middleware.Negotiate("application/json"), bind.Body[newCloud](nil)).Put("/admin", ok)
	if err := contract.Check(r); err != nil {
		t.Fatal(err)
	}
	if err := (&contract.Contract{}).Check(); err != nil {
		t.Errorf("an empty contract: %v", err)
	}
}
