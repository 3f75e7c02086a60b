package api

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"time"

	"github.com/chiguard/chiguard/contract"
	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/middleware/bind"
	"github.com/chiguard/chiguard/problem"
	"github.com/chiguard/chiguard/ratelimit"
	"github.com/chiguard/chiguard/ratelimit/rediscount"
	"github.com/go-chi/chi/v5"
	"github.com/redis/go-redis/v9"
)

// API is the demo API: an http.Handler with the resources it holds open.
type API struct {
	http.Handler
	// Maintenance is the switch behind PUT /admin/maintenance.
	Maintenance *middleware.Maintenance
	// Catalog lists every problem type the API sends.
	Catalog *problem.Catalog

	closers []func()
}

// Close stops the JWKS refresher and closes the Redis client, if any.
func (a *API) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// New builds the demo API in the order chiguard recommends:
//
//	problem writer -> Recoverer (500) -> RequestID -> Maintenance (502)
//	-> HeadAsGet -> routing (404/405)
//	-> Authenticate (401; 429 unchecked once a client's credentials keep failing)
//	-> rate limit (429) -> scopes, user/app (401 if anonymous, 403) -> Negotiate (406)
//	-> body and path validation (400/413/415) -> Conditional (304) -> handler
//
// /healthz, the problem docs and their OpenAPI document sit before
// authentication and limits.
func New(cfg Config) (*API, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	catalog, err := NewCatalog()
	if err != nil {
		return nil, err
	}
	a := &API{Catalog: catalog}
	pw := &problem.Writer{
		Catalog: a.Catalog,
		Logger:  logger,
		Alert: func(ctx context.Context, al problem.Alert) {
			// A real API pages someone here; the demo logs the alert.
			logger.LogAttrs(ctx, slog.LevelError, "ALERT sent to the on-call channel",
				slog.Int("status", al.Status), slog.String("request_id", al.RequestID),
				slog.String("path", al.Path), slog.Int("suppressed", al.Suppressed))
		},
	}
	// Closed last (closers run in reverse): alerts of the last requests
	// are sent before the process exits.
	a.closers = append(a.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		pw.Wait(ctx)
	})

	verifier, err := a.tokenVerifier(cfg, logger)
	if err != nil {
		a.Close()
		return nil, err
	}
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{
		Key: DemoAPIKey, ClientID: "demo-app", Scopes: []string{"cloud:read"},
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	counter, err := a.counter(cfg, logger)
	if err != nil {
		a.Close()
		return nil, err
	}

	a.Maintenance = &middleware.Maintenance{
		Status: cmp.Or(cfg.MaintenanceStatus, http.StatusBadGateway),
		Exempt: []string{"/healthz", "/problems", "/problems/*", "/openapi.json", "/routes", "/admin/maintenance"},
	}
	if cfg.Maintenance {
		a.Maintenance.Enable(cfg.MaintenanceRetryAfter)
	}

	limit := func(name string, rate Rate, keys ...ratelimit.KeyFunc) func(http.Handler) http.Handler {
		opts := []ratelimit.Option{ratelimit.Logger(logger)}
		if counter != nil {
			opts = append(opts, ratelimit.CountIn(counter))
		}
		if len(keys) > 0 {
			opts = append(opts, ratelimit.KeyBy(keys...))
		}
		l, err := ratelimit.NewLimiter(ratelimit.Policy{Name: name, Quota: rate.N, Window: rate.Window}, opts...)
		if err != nil {
			panic(err) // the flags were validated when parsed
		}
		return l.Handler
	}

	authOpts := []auth.Option{auth.Bearer(verifier), auth.APIKey(keys), auth.Realm("chiguard-demo"), auth.AllowAnonymous()}
	if cfg.AuthFailureLimit.N > 0 {
		opts := []ratelimit.Option{ratelimit.Logger(logger)}
		if counter != nil {
			opts = append(opts, ratelimit.CountIn(counter))
		}
		failures, err := ratelimit.NewFailureLimiter(ratelimit.Policy{
			Quota: cfg.AuthFailureLimit.N, Window: cfg.AuthFailureLimit.Window}, opts...)
		if err != nil {
			a.Close()
			return nil, err
		}
		authOpts = append(authOpts, auth.ThrottleFailures(failures))
	}

	s := &server{store: newStore(), maintenance: a.Maintenance, retryAfter: cfg.MaintenanceRetryAfter}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, a.Maintenance.Handler, middleware.HeadAsGet)
	r.NotFound(middleware.NotFound)
	r.MethodNotAllowed(middleware.MethodNotAllowed)

	r.With(declare(http.StatusOK, "The API's name, its docs and its routes.", index{})).Get("/", s.index)
	r.With(declare(http.StatusOK, "The API is up.", health{})).Get("/healthz", s.health)
	docs := a.Catalog.DocsHandler()
	r.Handle("/problems", docs)
	r.Handle("/problems/*", docs)
	r.Handle("/routes", contract.RoutesHandler(r))
	r.Handle("/openapi.json", contract.OpenAPIHandler(r, openAPIInfo))

	// The recommended order (see package chiguard): authentication and the
	// limiter per group, then per route the authorization check, the media
	// type, the input, conditional requests, and what the handler answers
	// itself (contract.Declare), which the contract cannot see otherwise.
	json := middleware.Negotiate("application/json")
	cloudPk := bind.ValidatePath[int64]("cloudPk")
	missing := contract.Response{Status: http.StatusNotFound, Description: "The cloud does not exist, or is not one you may see."}
	r.Group(func(r chi.Router) {
		r.Use(
			// Anonymous requests go on to the limiter, which counts them by
			// client IP; every route then requires a principal (401).
			// Failed credentials are throttled by client IP (429) before
			// a verifier runs.
			auth.Authenticate(authOpts...),
			limit("default", cfg.RateLimit),
		)
		// RequireUser first: an app is told /user is exclusive to users,
		// not sent after a user:read scope that would not let it in.
		r.With(auth.RequireUser, auth.RequireScopes("user:read"), json,
			declare(http.StatusOK, "The caller's subject and scopes.", nil)).Get("/user", s.user)
		r.With(auth.RequireScopes("cloud:read"), json, middleware.Conditional,
			declare(http.StatusOK, "The clouds the caller may see.", []Cloud{})).Get("/cloud", s.listClouds)
		r.With(auth.RequireScopes("cloud:manage"), json, bind.Body[newCloud](nil),
			declare(http.StatusCreated, "The new cloud, at its Location.", Cloud{}, "Location")).Post("/cloud", s.createCloud)
		// The cloud's routes are flat in the group, not in r.Route: chi runs a
		// mount's middlewares before its routing, so an unknown path below
		// it would get Authenticate's 401 rather than the 404.
		r.With(auth.RequireScopes("cloud:read"), json, cloudPk, middleware.Conditional,
			declare(http.StatusOK, "The cloud.", Cloud{}), contract.Declare(missing)).Get("/cloud/{cloudPk}", s.getCloud)
		r.With(auth.RequireScopes("cloud:manage"), json, cloudPk,
			declare(http.StatusNoContent, "The cloud is deleted.", nil), contract.Declare(missing, contract.Response{
				Status: http.StatusPreconditionFailed, Description: "If-Match or If-None-Match does not hold for the cloud's current ETag."})).
			Delete("/cloud/{cloudPk}", s.deleteCloud)
		r.With(auth.RequireScopes("cloud:read"), json, cloudPk, middleware.Conditional,
			declare(http.StatusOK, "The cloud's projects.", []Project{}), contract.Declare(missing)).Get("/cloud/{cloudPk}/project", s.listProjects)
		r.With(limit("export", cfg.ExportLimit, ratelimit.ByPrincipalOrIP, ratelimit.ByRoute), auth.RequireScopes("cloud:read"),
			json, cloudPk, declare(http.StatusAccepted, "The export is started; its status is at its Location.", Export{}, "Location"),
			contract.Declare(missing)).Post("/cloud/{cloudPk}/export", s.startExport)
		r.With(auth.RequireScopes("cloud:read"), json, cloudPk, bind.ValidatePath[int64]("exportId"),
			declare(http.StatusOK, "The export's status.", Export{}),
			contract.Declare(contract.Response{Status: http.StatusNotFound, Description: "The cloud or the export does not exist."})).
			Get("/cloud/{cloudPk}/export/{exportId}", s.getExport)
		r.With(auth.RequireScopes("admin:manage"), json, bind.Body[maintenanceSwitch](nil),
			declare(http.StatusNoContent, "Maintenance is switched.", nil)).Put("/admin/maintenance", s.setMaintenance)
		if cfg.DebugRoutes {
			r.With(auth.RequireAuthenticated).Get("/debug/panic", func(http.ResponseWriter, *http.Request) {
				panic("debug route: deliberate panic")
			})
		}
	})
	c := contract.Of(r)
	if err := c.Check(); err != nil {
		a.Close()
		return nil, fmt.Errorf("the router is misordered: %w", err)
	}
	for _, rt := range c.Routes {
		if rt.Method != http.MethodHead {
			s.routes = append(s.routes, rt.Method+" "+rt.Pattern)
		}
	}
	a.Handler = r
	return a, nil
}

// declare declares a success answer of a handler, with the schema of
// body's type if body is not nil.
func declare(status int, description string, body any, headers ...string) func(http.Handler) http.Handler {
	r := contract.Response{Status: status, Description: description, Headers: headers}
	if body != nil {
		r.Schema = contract.Schema(reflect.TypeOf(body), true)
	}
	return contract.Declare(r)
}

// tokenVerifier verifies HS256 demo tokens, or tokens from a JWKS.
func (a *API) tokenVerifier(cfg Config, logger *slog.Logger) (auth.Verifier, error) {
	jc := auth.JWTConfig{Issuer: cfg.Issuer, Audience: cfg.Audience, Leeway: 30 * time.Second}
	if cfg.JWKSURL != "" {
		ctx, cancel := context.WithCancel(context.Background())
		jwks, err := auth.NewJWKS(ctx, auth.JWKSConfig{URL: cfg.JWKSURL, Logger: logger})
		if err != nil {
			cancel()
			return nil, fmt.Errorf("jwks: %w", err)
		}
		a.closers = append(a.closers, cancel)
		// Serve once the keys are there when possible; until a fetch
		// succeeds, requests get a 503 that does not blame the client.
		wait, done := context.WithTimeout(ctx, 5*time.Second)
		if err := jwks.Refresh(wait); err != nil {
			logger.Warn("jwks: first fetch failed; retrying in the background", "error", err)
		}
		done()
		jc.Algorithms, jc.JWKS = []string{"RS256", "ES256"}, jwks
	} else {
		// The demo's published default secret is shorter than RFC 7518
		// wants; a real API uses 32 random bytes or more.
		jc.Algorithms, jc.Key, jc.AllowShortHMACKey = []string{"HS256"}, []byte(cfg.JWTSecret), true
	}
	v, err := auth.NewJWT(jc)
	if err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	return v, nil
}

// counter returns a Redis counter when cfg names a Redis server, else nil:
// the limiters then count in memory.
func (a *API) counter(cfg Config, logger *slog.Logger) (ratelimit.Counter, error) {
	if cfg.RedisAddr == "" {
		return nil, nil
	}
	client := redis.NewClient(&redis.Options{Addr: cfg.RedisAddr, ContextTimeoutEnabled: true})
	a.closers = append(a.closers, func() { client.Close() })
	c, err := rediscount.NewCounter(client, rediscount.Config{Logger: logger, Timeout: cfg.RedisTimeout})
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { c.Close() })
	return c, nil
}
