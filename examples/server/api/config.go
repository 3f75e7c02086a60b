// Package api is chiguard's demo API: the error-codes page of a small cloud
// service, enforced end to end. examples/server runs it; the repository's
// root test checks its whole contract.
package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Config configures the demo API. The zero value is not usable; start from
// DefaultConfig.
type Config struct {
	// JWTSecret verifies HS256 tokens, unless JWKSURL is set.
	JWTSecret string
	// JWKSURL, if set, verifies RS256/ES256 tokens from that JWK set only.
	JWKSURL string
	// Issuer and Audience every token must carry.
	Issuer, Audience string
	// RateLimit is the "default" policy, per principal (or client IP).
	RateLimit Rate
	// ExportLimit is the "export" policy of POST /cloud/{cloudPk}/export.
	ExportLimit Rate
	// AuthFailureLimit is the "auth-failures" policy: failed credential
	// checks per client IP (IPv6 clients by /64). Beyond it, the client's
	// credentials get a 429 without being checked. Zero turns it off.
	AuthFailureLimit Rate
	// RedisAddr, if set, keeps rate limit counts and failed credential
	// counts in Redis so that several instances share them.
	RedisAddr string
	// RedisTimeout bounds each Redis call before the counter falls back to
	// counting locally; zero means rediscount's default.
	RedisTimeout time.Duration
	// Maintenance starts the API in maintenance, answering MaintenanceStatus.
	Maintenance bool
	// MaintenanceStatus is 502, the error-codes page's status for an API
	// being upgraded, or 503, which retrying clients honour with its
	// Retry-After.
	MaintenanceStatus int
	// MaintenanceRetryAfter is the Retry-After sent during maintenance.
	MaintenanceRetryAfter time.Duration
	// DebugRoutes mounts GET /debug/panic.
	DebugRoutes bool
	// Logger receives request failures and alerts. Nil means slog.Default().
	Logger *slog.Logger
}

// DefaultConfig returns the demo's defaults.
func DefaultConfig() Config {
	return Config{
		JWTSecret:             DemoSecret,
		Issuer:                "chiguard-demo",
		Audience:              "chiguard-api",
		RateLimit:             Rate{600, time.Minute},
		ExportLimit:           Rate{10, time.Hour},
		AuthFailureLimit:      Rate{20, time.Minute},
		MaintenanceStatus:     http.StatusBadGateway,
		MaintenanceRetryAfter: 2 * time.Minute,
	}
}

// DemoSecret is the default HS256 secret of the demo's tokens.
const DemoSecret = "chiguard-demo-secret"

// DemoAPIKey is the demo's API key: an app with cloud:read.
const DemoAPIKey = "demo-app-key"

// Rate is a quota per window, written as "600/1m".
type Rate struct {
	N      int
	Window time.Duration
}

// ErrInvalidRate reports a rate that is not QUOTA/WINDOW.
var ErrInvalidRate = errors.New("invalid rate: want QUOTA/WINDOW, e.g. 600/1m")

// ParseRate parses "600/1m": a positive quota and a Go duration (a bare
// unit such as "h" means one of it).
func ParseRate(s string) (Rate, error) {
	n, w, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, fmt.Errorf("%w: %q", ErrInvalidRate, s)
	}
	quota, err := strconv.Atoi(n)
	if err != nil || quota <= 0 {
		return Rate{}, fmt.Errorf("%w: %q: the quota must be a positive integer", ErrInvalidRate, s)
	}
	if w != "" && (w[0] < '0' || w[0] > '9') {
		w = "1" + w
	}
	window, err := time.ParseDuration(w)
	if err != nil || window < time.Second {
		return Rate{}, fmt.Errorf("%w: %q: the window must be a duration of 1s or more", ErrInvalidRate, s)
	}
	return Rate{quota, window}, nil
}

// String writes the rate back as ParseRate reads it.
func (r Rate) String() string {
	return strconv.Itoa(r.N) + "/" + shortDuration(r.Window)
}

// Set and the String method make *Rate a flag.Value.
func (r *Rate) Set(s string) error {
	v, err := ParseRate(s)
	if err == nil {
		*r = v
	}
	return err
}

// shortDuration writes 1m for 1m0s and 2h for 2h0m0s, and leaves 10s,
// 1m30s and 1h10m0s whole: only zero units at the end go.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
