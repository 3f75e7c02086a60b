package chiguard_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/cors"

	"github.com/chiguard/chiguard/middleware"
	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/chiguard/chiguard/problem"
)

// A CORS middleware where the package doc puts it, after RequestID and
// before Maintenance, answers a browser's preflight before any credential
// is asked for, and its headers are on every refusal after it, so that
// the page's script can read the problem.
func TestCORSBeforeMaintenanceAndAuthenticate(t *testing.T) {
	keys, err := auth.NewAPIKeys(auth.APIKeyApp{Key: "key-of-the-app", ClientID: "app"})
	if err != nil {
		t.Fatal(err)
	}
	const origin = "https://app.example.com"
	maintenance := &middleware.Maintenance{}
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID,
		cors.Handler(cors.Options{AllowedOrigins: []string{origin}, AllowedHeaders: []string{"Authorization"}}),
		maintenance.Handler)
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(auth.Bearer(keys)))
		r.Get("/cloud", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) })
	})

	serve := func(method, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/cloud", nil)
		req.Header.Set("Origin", origin)
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "GET")
			req.Header.Set("Access-Control-Request-Headers", "Authorization")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec
	}
	check := func(t *testing.T, rec *httptest.ResponseRecorder, status int, contentType string) {
		t.Helper()
		if rec.Code != status || rec.Header().Get("Content-Type") != contentType {
			t.Errorf("status %d, Content-Type %q; want %d, %q", rec.Code, rec.Header().Get("Content-Type"), status, contentType)
		}
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != origin {
			t.Errorf("Access-Control-Allow-Origin %q, want %q", got, origin)
		}
	}

	t.Run("preflight", func(t *testing.T) {
		rec := serve(http.MethodOptions, "")
		check(t, rec, http.StatusOK, "")
		if v := rec.Header().Get("WWW-Authenticate"); v != "" {
			t.Errorf("the preflight was asked for credentials: %s", v)
		}
	})
	t.Run("401", func(t *testing.T) {
		check(t, serve(http.MethodGet, ""), http.StatusUnauthorized, "application/problem+json")
	})
	t.Run("200", func(t *testing.T) {
		check(t, serve(http.MethodGet, "key-of-the-app"), http.StatusOK, "text/plain; charset=utf-8")
	})
	maintenance.Enable(time.Minute)
	t.Run("503", func(t *testing.T) {
		check(t, serve(http.MethodGet, "key-of-the-app"), http.StatusServiceUnavailable, "application/problem+json")
	})
}

// With TranslateErrors where the package doc puts it, right after
// RequestID and so before CORS, a preflight's answer (a 200 with the
// CORS headers, or a bare 200 refusing an origin, method or header) is no
// error and passes through unchanged; a foreign error after CORS becomes
// a problem that keeps the CORS headers, which the page's script needs to
// read it.
func TestCORSAfterTranslateErrors(t *testing.T) {
	const origin = "https://app.example.com"
	pw := &problem.Writer{}
	r := chi.NewRouter()
	r.Use(pw.Handler, middleware.Recoverer, middleware.RequestID, middleware.TranslateErrors,
		cors.Handler(cors.Options{AllowedOrigins: []string{origin}, AllowedHeaders: []string{"Authorization"}}))
	r.Get("/cloud", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the cloud is archived", http.StatusConflict)
	})
	for _, tc := range []struct {
		name, origin, method, headers string
		allowed                       bool
	}{
		{"allowed", origin, "GET", "Authorization", true},
		{"origin refused", "https://evil.example", "GET", "Authorization", false},
		{"method refused", origin, "DELETE", "", false},
		{"header refused", origin, "GET", "X-Secret", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodOptions, "/cloud", nil)
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Access-Control-Request-Method", tc.method)
			if tc.headers != "" {
				req.Header.Set("Access-Control-Request-Headers", tc.headers)
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
				t.Errorf("status %d, Content-Type %q, body %q: want cors's bare 200",
					rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin") != ""; got != tc.allowed {
				t.Errorf("Access-Control-Allow-Origin %q, want it set: %v", rec.Header().Get("Access-Control-Allow-Origin"), tc.allowed)
			}
		})
	}
	t.Run("foreign error", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/cloud", nil)
		req.Header.Set("Origin", origin)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusConflict || rec.Header().Get("Content-Type") != "application/problem+json" ||
			rec.Header().Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("status %d, Content-Type %q, Access-Control-Allow-Origin %q; want a 409 problem with the CORS headers",
				rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("Access-Control-Allow-Origin"))
		}
	})
}
