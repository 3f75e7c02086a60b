// Command server runs chiguard's demo API: every status code of its
// error-codes page, enforced.
//
//	go run ./examples/server                 # serve on 127.0.0.1:8080
//	go run ./examples/server mint -sub alice -scopes "cloud:read user:read"
//	go run ./examples/server openapi         # the OpenAPI document of every route
//
// Every flag can also be set from the environment: CHIGUARD_ and the flag
// name in upper case with '-' as '_', e.g. CHIGUARD_RATE_LIMIT=100/1m.
// Flags on the command line win over the environment.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/chiguard/chiguard/examples/server/api"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h printed the usage
		}
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
}

// options are the command line of both the server and mint.
type options struct {
	addr, jwtSecret, jwksURL, issuer, audience string
	rateLimit, exportLimit, authFailureLimit   api.Rate
	redis                                      string
	maintenance                                bool
	maintenanceStatus                          int
	maintenanceRetryAfter                      time.Duration
	debugRoutes                                bool
	logFormat                                  string
}

func tokenFlags(fs *flag.FlagSet, o *options, d api.Config) {
	fs.StringVar(&o.jwtSecret, "jwt-secret", d.JWTSecret, "HS256 secret of the demo tokens")
	fs.StringVar(&o.issuer, "issuer", d.Issuer, "issuer (iss) of the tokens")
	fs.StringVar(&o.audience, "audience", d.Audience, "audience (aud) of the tokens")
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "mint" {
		return mint(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "openapi" {
		return printOpenAPI(args[1:], stdout, stderr)
	}
	d := api.DefaultConfig()
	o := options{rateLimit: d.RateLimit, exportLimit: d.ExportLimit, authFailureLimit: d.AuthFailureLimit}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage:
  server [flags]        serve the demo API
  server mint [flags]   print a demo token (server mint -h lists its flags)
  server openapi        print the OpenAPI document that GET /openapi.json serves

Every flag can also be set in the environment: CHIGUARD_ and the flag name
in upper case with '-' as '_', e.g. CHIGUARD_RATE_LIMIT=100/1m or
CHIGUARD_REDIS=127.0.0.1:6379. The command line wins over the environment.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	tokenFlags(fs, &o, d)
	fs.StringVar(&o.jwksURL, "jwks-url", "", "verify RS256/ES256 tokens from this JWKS instead of the HS256 secret")
	fs.Var(&o.rateLimit, "rate-limit", "default rate limit per principal, QUOTA/WINDOW")
	fs.Var(&o.exportLimit, "export-limit", "rate limit of POST /cloud/{cloudPk}/export, QUOTA/WINDOW")
	fs.Var(&o.authFailureLimit, "auth-failure-limit", "failed credential checks per client IP (IPv6: /64) before its credentials get 429 unchecked, QUOTA/WINDOW")
	fs.StringVar(&o.redis, "redis", "", "Redis address for rate limits and failed credential counts shared by several instances (empty: in memory)")
	fs.BoolVar(&o.maintenance, "maintenance", false, "start in maintenance (every API route answers -maintenance-status)")
	fs.IntVar(&o.maintenanceStatus, "maintenance-status", d.MaintenanceStatus, "status during maintenance: 502 (the error-codes page's) or 503 (which retrying clients honour)")
	fs.DurationVar(&o.maintenanceRetryAfter, "maintenance-retry-after", d.MaintenanceRetryAfter, "Retry-After during maintenance")
	fs.BoolVar(&o.debugRoutes, "debug-routes", false, "mount GET /debug/panic")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if o.maintenanceRetryAfter < 0 {
		return errors.New("-maintenance-retry-after must not be negative")
	}
	if o.maintenanceStatus != http.StatusBadGateway && o.maintenanceStatus != http.StatusServiceUnavailable {
		return fmt.Errorf("-maintenance-status must be 502 or 503, not %d", o.maintenanceStatus)
	}
	logger, err := newLogger(o.logFormat, stderr)
	if err != nil {
		return err
	}

	cfg := d
	cfg.JWTSecret, cfg.JWKSURL, cfg.Issuer, cfg.Audience = o.jwtSecret, o.jwksURL, o.issuer, o.audience
	cfg.RateLimit, cfg.ExportLimit, cfg.AuthFailureLimit, cfg.RedisAddr = o.rateLimit, o.exportLimit, o.authFailureLimit, o.redis
	cfg.Maintenance, cfg.MaintenanceStatus, cfg.MaintenanceRetryAfter = o.maintenance, o.maintenanceStatus, o.maintenanceRetryAfter
	cfg.DebugRoutes, cfg.Logger = o.debugRoutes, logger
	a, err := api.New(cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	ln, err := net.Listen("tcp", o.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w: another server holds %s; choose another address with -addr (e.g. -addr 127.0.0.1:8081)", err, o.addr)
	}
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    http.DefaultMaxHeaderBytes, // larger headers get net/http's own 431
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if err := greet(stdout, "http://"+ln.Addr().String(), cfg); err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// greet prints the address, two demo tokens and curl commands to try.
func greet(w io.Writer, base string, cfg api.Config) error {
	if cfg.JWKSURL != "" {
		// The demo cannot mint tokens the JWKS's issuer would sign.
		_, err := fmt.Fprintf(w, `chiguard demo API on %[1]s

Tokens are verified against %[2]s (RS256/ES256, iss %[3]q, aud %[4]q).

Try:
  # 200: the clouds the token's subject can see
  curl -i %[1]s/cloud -H "Authorization: Bearer $TOKEN"
  # 200: the same with the demo app's API key
  curl -i %[1]s/cloud -H "Authorization: ApiKey %[5]s"
  # 400: a cloud ID that is not a number, as a problem pointing at the parameter
  curl -i '%[1]s/cloud/%%5Bobject%%20Object%%5D/project' -H "Authorization: ApiKey %[5]s"

The error docs are at %[1]s/problems, and what each route needs and answers
at %[1]s/routes.
`, base, cfg.JWKSURL, cfg.Issuer, cfg.Audience, api.DemoAPIKey)
		return err
	}
	user, err := api.Mint(cfg.JWTSecret, cfg.Issuer, cfg.Audience, api.Token{Subject: "alice",
		Scopes: []string{"cloud:read", "cloud:manage", "user:read", "admin:manage"}, TTL: 24 * time.Hour})
	if err != nil {
		return err
	}
	app, err := api.Mint(cfg.JWTSecret, cfg.Issuer, cfg.Audience, api.Token{Subject: "demo-app",
		Scopes: []string{"cloud:read"}, App: true, TTL: 24 * time.Hour})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, `chiguard demo API on %[1]s

User token (alice, every scope):
%[2]s

App token (demo-app, cloud:read):
%[3]s

Try:
  # 200: alice's clouds
  curl -i %[1]s/cloud -H "Authorization: Bearer %[2]s"
  # 403: /user is exclusive to users, and this is an app's token
  curl -i %[1]s/user -H "Authorization: Bearer %[3]s"
  # 400: a cloud ID that is not a number, as a problem pointing at the parameter
  curl -i '%[1]s/cloud/%%5Bobject%%20Object%%5D/project' -H "Authorization: ApiKey %[4]s"

The error docs are at %[1]s/problems, and what each route needs and answers
at %[1]s/routes; go run ./examples/server -h lists the flags.
`, base, user, app, api.DemoAPIKey)
	return err
}

func mint(args []string, stdout, stderr io.Writer) error {
	d := api.DefaultConfig()
	var o options
	var sub, scopes string
	var app bool
	var ttl time.Duration
	fs := flag.NewFlagSet("mint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: server mint [flags]

Prints an HS256 token for the demo API, or for any API with -jwt-secret,
-issuer and -audience. The CHIGUARD_ variables set these flags too.

Flags:
`)
		fs.PrintDefaults()
	}
	tokenFlags(fs, &o, d)
	fs.StringVar(&sub, "sub", "alice", "subject (sub); the client_id too with -app")
	fs.StringVar(&scopes, "scopes", "", "space-separated scopes")
	fs.BoolVar(&app, "app", false, "mint an app token (with a client_id claim)")
	fs.DurationVar(&ttl, "ttl", time.Hour, "lifetime of the token")
	if err := parse(fs, args); err != nil {
		return err
	}
	if ttl <= 0 {
		return errors.New("mint: -ttl must be positive")
	}
	tok, err := api.Mint(o.jwtSecret, o.issuer, o.audience, api.Token{Subject: sub,
		Scopes: strings.Fields(scopes), App: app, TTL: ttl})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

// printOpenAPI prints the document GET /openapi.json serves.
func printOpenAPI(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	doc, err := api.OpenAPI()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

// parse reads the flags from the environment (CHIGUARD_RATE_LIMIT for
// -rate-limit), then from args, which win.
func parse(fs *flag.FlagSet, args []string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := "CHIGUARD_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok && err == nil {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", env, v, e)
			}
		}
	})
	if err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("-log-format must be text or json, not %q", format)
}
