package middleware

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
)

// MaintenanceDetail is the default detail of maintenance refusals, in the
// words of the error-codes page.
const MaintenanceDetail = "API is down, or being upgraded."

// Maintenance is an on/off switch that, while on, answers every request
// but the exempt ones with a problem: 503 Service Unavailable by default,
// or 502 Bad Gateway for APIs whose published contract says so. Set the
// fields before use, then flip the switch with Enable and Disable from any
// goroutine; a request costs one atomic load. The zero value is off and
// answers 503.
//
//	m := &middleware.Maintenance{Exempt: []string{"/healthz", "/admin/maintenance", "/problems", "/problems/*"}}
//	r.Use(m.Handler)
//	m.Enable(2 * time.Minute)
type Maintenance struct {
	// Status is the refusal's status: 503 (the default, used for zero) or
	// 502.
	Status int
	// Detail is the problem's detail; empty means MaintenanceDetail.
	Detail string
	// Exempt lists the paths served as usual during maintenance, such as
	// health checks, the problem docs and the switch itself, written as chi
	// patterns without parameters: "/healthz" matches that path only, and
	// "/problems/*" matches "/problems/" and every path below it (list
	// "/problems" too for the index). Paths are matched as chi routes
	// them: escaped, as sent, or as a middleware before this one rewrote
	// them for routing (chi's CleanPath, StripSlashes). A path with "."
	// or ".." segments or an empty one ("//"), as sent or once unescaped
	// ("%2e%2e", "%2F"), is never exempt: a middleware after this one
	// could clean it into another route. A route behind auth.Conceal that
	// is exempt by its own path answers as usual while every unknown path
	// gets the refusal, which shows it exists: contract.Check reports it.
	// To keep a concealed route working during maintenance, such as the
	// switch in auth.Conceal's example, exempt a prefix that unknown paths
	// share too ("/admin/*").
	Exempt []string

	refusal atomic.Pointer[problem.Problem] // nil when off
}

// Enable turns maintenance on. A positive retryAfter is sent, in seconds
// rounded up, in the Retry-After header (RFC 9110 §10.2.3) of every
// refusal; zero sends none.
func (m *Maintenance) Enable(retryAfter time.Duration) {
	status := m.Status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	detail := m.Detail
	if detail == "" {
		detail = MaintenanceDetail
	}
	p := problem.New(status, detail)
	switch status {
	case http.StatusServiceUnavailable:
		p = problem.ServiceUnavailable(detail)
	case http.StatusBadGateway:
		p = problem.BadGateway(detail)
	}
	p = p.Deliberate() // planned: logged at debug, not alerted
	if retryAfter > 0 {
		secs := int64(math.Ceil(retryAfter.Seconds()))
		p = p.WithHeader("Retry-After", strconv.FormatInt(secs, 10))
	}
	m.refusal.Store(p)
}

// Disable turns maintenance off.
func (m *Maintenance) Disable() { m.refusal.Store(nil) }

// Enabled reports whether maintenance is on.
func (m *Maintenance) Enabled() bool { return m.refusal.Load() != nil }

// Handler refuses requests to non-exempt paths while maintenance is on.
func (m *Maintenance) Handler(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := m.refusal.Load(); p != nil && !m.exempt(r) {
			problem.Write(w, r, p)
			return
		}
		next.ServeHTTP(w, r)
	}), m.describe)
}

func (m *Maintenance) exempt(r *http.Request) bool {
	path := routingPath(r)
	// On the root router, before routing, RoutePath is what a middleware
	// before this one rewrote the path to; inside a subrouter it is the
	// rest below the mount, and the exemptions are full paths.
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePath != "" && len(rctx.RoutePatterns) == 0 {
		path = rctx.RoutePath
	}
	if !plainPath(path) {
		return false
	}
	for _, e := range m.Exempt {
		if prefix, ok := strings.CutSuffix(e, "*"); ok {
			if strings.HasPrefix(path, prefix) {
				return true
			}
		} else if path == e {
			return true
		}
	}
	return false
}

// plainPath reports whether path, as sent and unescaped, has no empty, "."
// or ".." segment: "%2e" is "." (RFC 3986 §6.2.2.2), and a handler that
// reads the decoded path sees "%2F" as a slash.
func plainPath(path string) bool {
	if strings.Contains(path, "//") || hasDotSegment(path) {
		return false
	}
	if !strings.Contains(path, "%") {
		return true
	}
	dec, err := url.PathUnescape(path)
	return err == nil && !strings.Contains(dec, "//") && !hasDotSegment(dec)
}
