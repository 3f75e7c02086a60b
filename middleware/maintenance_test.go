package middleware

import (
	"context"
	"log/slog"

	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

func TestMaintenanceSwitch(t *testing.T) {
	m := &Maintenance{}
	h := m.Handler(testkit.OK)
	if m.Enabled() || testkit.Serve(h, testkit.Request("GET", "/cloud", "")).Code != http.StatusOK {
		t.Fatal("the zero value is not off")
	}
	m.Enable(90 * time.Second)
	rec := testkit.Serve(h, testkit.Request("GET", "/cloud", ""))
	p := testkit.Problem(t, rec, http.StatusServiceUnavailable)
	if rec.Header().Get("Retry-After") != "90" || p["detail"] != MaintenanceDetail || !m.Enabled() {
		t.Errorf("Retry-After %q, detail %v", rec.Header().Get("Retry-After"), p["detail"])
	}
	m.Disable()
	if testkit.Serve(h, testkit.Request("GET", "/cloud", "")).Code != http.StatusOK {
		t.Fatal("Disable did not turn it off")
	}
}

func TestMaintenanceBadGatewayContract(t *testing.T) {
	m := &Maintenance{Status: http.StatusBadGateway}
	m.Enable(1500 * time.Millisecond)
	rec := testkit.Serve(m.Handler(testkit.OK), testkit.Request("POST", "/cloud", ""))
	p := testkit.Problem(t, rec, http.StatusBadGateway)
	if p["detail"] != "API is down, or being upgraded." || p["type"] != "/problems/bad-gateway" {
		t.Errorf("problem %v", p)
	}
	if rec.Header().Get("Retry-After") != "2" {
		t.Errorf("Retry-After = %q, want seconds rounded up", rec.Header().Get("Retry-After"))
	}
}

func TestMaintenanceWithoutRetryAfter(t *testing.T) {
	m := &Maintenance{Detail: "Back soon."}
	m.Enable(0)
	rec := testkit.Serve(m.Handler(testkit.OK), testkit.Request("GET", "/", ""))
	p := testkit.Problem(t, rec, http.StatusServiceUnavailable)
	if rec.Header().Get("Retry-After") != "" || p["detail"] != "Back soon." {
		t.Errorf("Retry-After %q, detail %v", rec.Header().Get("Retry-After"), p["detail"])
	}
}

func TestMaintenanceExemptions(t *testing.T) {
	m := &Maintenance{Exempt: []string{"/healthz", "/problems", "/problems/*", "/admin/maintenance", "/docs/*"}}
	m.Enable(time.Minute)
	h := m.Handler(testkit.OK)
	for path, served := range map[string]bool{
		"/healthz": true, "/healthz/live": false, "/healthzx": false,
		"/problems": true, "/problems/not-found": true, "/problems/": true, "/problemsets": false,
		"/admin/maintenance": true, "/admin/maintenance/x": false, "/admin": false,
		"/docs/": true, "/docs/a/b": true, "/docs": false,
		"/": false, "/cloud": false,
		// chi routes the escaped path: this is not below /problems/ for it.
		"/problems%2F..%2Fcloud": false,
		// A later CleanPath would route these to /cloud.
		"/problems/../cloud": false, "/problems/./x": false, "/docs//cloud": false, "/docs/..": false,
	} {
		if got := testkit.Serve(h, testkit.Request("GET", path, "")).Code == http.StatusOK; got != served {
			t.Errorf("%s served = %v, want %v", path, got, served)
		}
	}
}

func TestMaintenanceConcurrentToggle(t *testing.T) {
	m := &Maintenance{}
	h := m.Handler(testkit.OK)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 200 {
			if i%2 == 0 {
				m.Enable(time.Second)
			} else {
				m.Disable()
			}
		}
	})
	for range 200 {
		if c := testkit.Serve(h, testkit.Request("GET", "/", "")).Code; c != 200 && c != 503 {
			t.Fatalf("status %d", c)
		}
	}
	wg.Wait()
}

func TestMaintenanceRefusalsDoNotAlert(t *testing.T) {
	alerted := make(chan problem.Alert, 1)
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler),
		Alert: func(_ context.Context, a problem.Alert) { alerted <- a }}
	m := &Maintenance{Status: http.StatusBadGateway}
	m.Enable(time.Minute)
	rec := testkit.Serve(pw.Handler(m.Handler(testkit.OK)), testkit.Request("GET", "/cloud", ""))
	testkit.Problem(t, rec, http.StatusBadGateway)
	waitForAlerts(t, pw)
	if len(alerted) != 0 {
		t.Fatalf("planned maintenance paged someone: %+v", <-alerted)
	}
}

// Behind chi's CleanPath, which rewrites the routing path, the exemption
// is checked on the path chi routes; in front of it, paths CleanPath would
// change are not exempt. Either way /problems/../cloud reaches /cloud only
// outside maintenance.
func TestMaintenanceExemptionsFollowTheRoutingPath(t *testing.T) {
	for _, order := range []string{"CleanPath first", "Maintenance first"} {
		t.Run(order, func(t *testing.T) {
			m := &Maintenance{Exempt: []string{"/problems/*"}}
			m.Enable(time.Minute)
			r := chi.NewRouter()
			if order == "CleanPath first" {
				r.Use(chimw.CleanPath, m.Handler)
			} else {
				r.Use(m.Handler, chimw.CleanPath)
			}
			r.Post("/cloud", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
			r.Get("/problems/*", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
			for path, want := range map[string]int{
				"/cloud":              http.StatusServiceUnavailable,
				"/problems/../cloud":  http.StatusServiceUnavailable,
				"/problems//../cloud": http.StatusServiceUnavailable,
				"/problems/x":         http.StatusOK,
			} {
				method := "POST"
				if want == http.StatusOK {
					method = "GET"
				}
				if got := testkit.Serve(r, testkit.Request(method, path, "")).Code; got != want {
					t.Errorf("%s %s: %d, want %d", method, path, got, want)
				}
			}
			m.Disable()
			if got := testkit.Serve(r, testkit.Request("POST", "/problems/../cloud", "")).Code; got != http.StatusCreated {
				t.Errorf("outside maintenance, POST /problems/../cloud: %d, want 201 (CleanPath routes it to /cloud)", got)
			}
		})
	}
}

// Inside a subrouter the exemptions are still full paths.
func TestMaintenanceExemptionsInASubrouter(t *testing.T) {
	m := &Maintenance{Exempt: []string{"/api/healthz"}}
	m.Enable(0)
	r := chi.NewRouter()
	r.Route("/api", func(r chi.Router) {
		r.Use(m.Handler)
		r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {})
		r.Get("/cloud", func(w http.ResponseWriter, r *http.Request) {})
	})
	for path, want := range map[string]int{"/api/healthz": 200, "/api/cloud": 503} {
		if got := testkit.Serve(r, testkit.Request("GET", path, "")).Code; got != want {
			t.Errorf("GET %s: %d, want %d", path, got, want)
		}
	}
	other := &Maintenance{Exempt: []string{"/healthz"}}
	other.Enable(0)
	r2 := chi.NewRouter()
	r2.Route("/api", func(r chi.Router) {
		r.Use(other.Handler)
		r.Get("/healthz", func(w http.ResponseWriter, r *http.Request) {})
	})
	if got := testkit.Serve(r2, testkit.Request("GET", "/api/healthz", "")).Code; got != 503 {
		t.Errorf("Exempt /healthz exempted /api/healthz: %d", got)
	}
}

// "%2e" is "." (RFC 3986 §6.2.2.2): a dot segment spelled with it climbs
// out of an exempt prefix for any handler after Maintenance that reads the
// decoded path, as chi's StripSlashes and http.ServeMux do.
func TestMaintenanceEscapedDotSegmentsAreNotExempt(t *testing.T) {
	m := &Maintenance{Exempt: []string{"/problems/*"}}
	m.Enable(time.Minute)
	h := m.Handler(testkit.OK)
	for _, path := range []string{
		"/problems/%2e%2e/cloud", "/problems/%2E%2E", "/problems/.%2e/cloud", "/problems/%2e/x",
		"/problems/a%2F..%2Fcloud", "/problems/%2Fcloud",
	} {
		if code := testkit.Serve(h, testkit.Request("GET", path, "")).Code; code != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d, want 503", path, code)
		}
	}
	if code := testkit.Serve(h, testkit.Request("GET", "/problems/caf%C3%A9", "")).Code; code != http.StatusOK {
		t.Errorf("an escaped name below an exempt prefix: status %d, want 200", code)
	}
}
