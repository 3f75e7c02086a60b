package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/jwtauth/v5"
	"github.com/golang-jwt/jwt/v5"

	"github.com/chiguard/chiguard/problem"
)

func TestAuthenticateOutcomes(t *testing.T) {
	v := hsVerifier(t, nil)
	h := newRouter(Authenticate(Bearer(v), APIKey(testAPIKeys(t)), Realm("chiguard")), nil)
	valid := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	expired := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"exp": time.Now().Add(-time.Minute).Unix()}), nil)

	tests := []struct {
		name        string
		target      string
		auth        []string
		status      int
		errorCode   string // RFC 6750 error on the failing scheme's challenge
		description string
		failed      string // scheme whose challenge comes first
	}{
		{name: "no credentials", auth: nil, status: 401, failed: "bearer"},
		{name: "unsupported scheme", auth: []string{"Basic YWxpY2U6c2VjcmV0"}, status: 401, failed: "bearer"},
		// RFC 9110 tokens are ASCII: the Kelvin sign folds to 'k' in Unicode only.
		{name: "a scheme spelled with a Kelvin sign is unsupported", auth: []string{"Api\u212Aey demo-app-key"}, status: 401, failed: "bearer"},
		{name: "a second credential spelled with a Kelvin sign is no credential", auth: []string{"Bearer " + valid + ", Api\u212Aey demo-app-key"},
			status: 401, errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "scheme without credentials is malformed", auth: []string{"Bearer"}, status: 401,
			errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "empty token", auth: []string{"Bearer   "}, status: 401,
			errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "characters outside b64token", auth: []string{`Bearer a"b`}, status: 401,
			errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "two tokens in one header", auth: []string{"Bearer abc, Bearer def"}, status: 400,
			errorCode: "invalid_request", description: "The request carries more than one credential", failed: "bearer"},
		{name: "two schemes in one header", auth: []string{"Bearer abc, ApiKey demo-app-key"}, status: 400,
			errorCode: "invalid_request", description: "The request carries more than one credential", failed: "bearer"},
		{name: "a comma in a token is still malformed", auth: []string{"Bearer abc,def"}, status: 401,
			errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "not a JWT", auth: []string{"Bearer abc.def"}, status: 401,
			errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "expired token", auth: []string{"Bearer " + expired}, status: 401,
			errorCode: "invalid_token", description: "The access token expired", failed: "bearer"},
		{name: "unknown API key", auth: []string{"ApiKey nope"}, status: 401,
			errorCode: "invalid_token", description: "The API key is unknown", failed: "apikey"},
		{name: "two Authorization headers", auth: []string{"Bearer " + valid, "ApiKey demo-app-key"}, status: 400,
			errorCode: "invalid_request", description: "The request carries more than one credential", failed: "bearer"},
		{name: "query token is off by default", target: "/me?access_token=" + valid, status: 401, failed: "bearer"},
		{name: "huge header", auth: []string{"Bearer " + strings.Repeat("a", 100<<10)}, status: 401,
			errorCode: "invalid_token", description: "The credentials are malformed", failed: "bearer"},
		{name: "valid bearer token", auth: []string{"Bearer " + valid}, status: 200},
		{name: "scheme is case-insensitive", auth: []string{"bEARER " + valid}, status: 200},
		{name: "valid API key", auth: []string{"ApiKey demo-app-key"}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := tt.target
			if target == "" {
				target = "/me"
			}
			rec := do(h, target, tt.auth...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == 200 {
				if rec.Header().Get("WWW-Authenticate") != "" {
					t.Error("a success carries a challenge")
				}
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			fields := rec.Header().Values("WWW-Authenticate")
			if len(fields) != 2 {
				t.Fatalf("want one challenge per scheme, got %q", fields)
			}
			cs := checkChallenges(t, rec.Header())
			first, _ := parseChallenge(fields[0])
			if got := strings.ToLower(first.scheme); got != tt.failed {
				t.Errorf("first challenge is %s, want %s", got, tt.failed)
			}
			for scheme, c := range cs {
				if c.params["realm"] != "chiguard" {
					t.Errorf("%s challenge realm %q", scheme, c.params["realm"])
				}
				wantErr := ""
				if scheme == tt.failed {
					wantErr = tt.errorCode
				}
				if c.params["error"] != wantErr {
					t.Errorf("%s challenge error %q, want %q", scheme, c.params["error"], wantErr)
				}
				if scheme == tt.failed && c.params["error_description"] != tt.description {
					t.Errorf("error_description %q, want %q", c.params["error_description"], tt.description)
				}
			}
			b := body(t, rec)
			if b["status"] != float64(tt.status) || b["detail"] == "" {
				t.Errorf("problem %v", b)
			}
		})
	}
}

func TestAuthenticateStoresPrincipal(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t))), nil)
	user := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	app := sign(t, jwt.SigningMethodHS256, testSecret, claims(map[string]any{"sub": "svc", "client_id": "svc", "scope": "cloud:read"}), nil)
	tests := []struct {
		name, auth string
		want       string
	}{
		{"user token", "Bearer " + user,
			`{"client_id":"","key":"user:alice","kind":"user","scheme":"Bearer","scopes":["cloud:read","cloud:write"],"subject":"alice"}`},
		{"app token", "Bearer " + app,
			`{"client_id":"svc","key":"app:svc","kind":"app","scheme":"Bearer","scopes":["cloud:read"],"subject":"svc"}`},
		{"API key", "ApiKey demo-app-key",
			`{"client_id":"demo-app","key":"app:demo-app","kind":"app","scheme":"ApiKey","scopes":["cloud:read"],"subject":"demo-app"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, "/me", tt.auth)
			if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != tt.want {
				t.Errorf("%d %s, want %s", rec.Code, rec.Body, tt.want)
			}
		})
	}
}

func TestAuthenticateCustomSchemeNamesPrincipal(t *testing.T) {
	h := newRouter(Authenticate(Scheme("Token", testAPIKeys(t))), nil)
	rec := do(h, "/me", "token demo-app-key")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"scheme":"Token"`) {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestAuthenticateQueryToken(t *testing.T) {
	valid := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t)), QueryToken()), nil)
	tests := []struct {
		name, target string
		auth         []string
		status       int
	}{
		{"token in query", "/me?access_token=" + valid, nil, 200},
		{"query and header", "/me?access_token=" + valid, []string{"ApiKey demo-app-key"}, 400},
		{"two query tokens", "/me?access_token=" + valid + "&access_token=" + valid, nil, 400},
		{"bad query token", "/me?access_token=x%20y", nil, 401},
		{"other parameter", "/me?not_access_token=1", nil, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.target, tt.auth...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				checkChallenges(t, rec.Header())
			}
		})
	}
}

func TestAuthenticateAllowAnonymous(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), AllowAnonymous()), func(r chi.Router) {
		r.With(RequireScopes("cloud:read")).Get("/scoped", whoami)
	})
	if rec := do(h, "/me"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "anonymous") {
		t.Errorf("anonymous /me: %d %s", rec.Code, rec.Body)
	}
	if rec := do(h, "/me", "Bearer bad"); rec.Code != 401 {
		t.Errorf("invalid credentials are refused even when anonymous is allowed: %d", rec.Code)
	}
	rec := do(h, "/scoped")
	if rec.Code != 401 {
		t.Fatalf("anonymous on a scoped route: %d", rec.Code)
	}
	if cs := checkChallenges(t, rec.Header()); cs["bearer"].params["realm"] != "api" {
		t.Errorf("challenges %v", cs)
	}
}

func TestAuthenticateVerifierFailures(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		logged bool
	}{
		{"unavailable is a 503, not the client's fault", fmt.Errorf("%w: dial tcp: refused", ErrVerifierUnavailable), 503, true},
		{"deadline is a 503", context.DeadlineExceeded, 503, true},
		{"wrapped credential error", fmt.Errorf("lookup: %w", ErrTokenInactive), 401, false},
		{"problem is written as is", problem.New(http.StatusPaymentRequired, "pay first"), 402, false},
		{"other error is a bug", errors.New("boom"), 500, true},
		{"no principal and no error is a bug", nil, 500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := VerifierFunc(func(context.Context, string) (Principal, error) { return Principal{}, tt.err })
			h, logs := withLogger(newRouter(Authenticate(Bearer(v)), nil))
			rec := do(h, "/me", "Bearer token")
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status >= 500 {
				if rec.Header().Get("WWW-Authenticate") != "" {
					t.Error("a server failure challenges the client")
				}
				if strings.Contains(rec.Body.String(), "refused") || strings.Contains(rec.Body.String(), "boom") {
					t.Errorf("body leaks the cause: %s", rec.Body)
				}
			}
			if tt.status == 503 && rec.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			if got := strings.Contains(logs.String(), "level=ERROR"); got != tt.logged {
				t.Errorf("logged %v, want %v: %s", got, tt.logged, logs)
			}
		})
	}
}

func TestAuthenticateChallengesNeverEchoInput(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), APIKey(testAPIKeys(t))), nil)
	for _, auth := range []string{`EVIL" realm="EVIL`, `Bearer EVIL" error="EVIL`, "Bearer \x01EVIL\x02", `ApiKey <EVIL>`, "Bearer EVIL" + strings.Repeat("=", 10) + "EVIL"} {
		rec := do(h, "/me", auth)
		for _, f := range rec.Header().Values("WWW-Authenticate") {
			if strings.Contains(f, "EVIL") {
				t.Errorf("%q echoed into %q", auth, f)
			}
		}
		if strings.Contains(rec.Body.String(), "EVIL") {
			t.Errorf("%q echoed into body", auth)
		}
		checkChallenges(t, rec.Header())
	}
}

func TestAuthenticateConfigurationErrors(t *testing.T) {
	v := hsVerifier(t, nil)
	tests := []struct {
		name string
		opts []Option
		want string // in the panic's error
	}{
		{"no scheme", nil, "auth: Authenticate needs at least one scheme"},
		{"bad scheme name", []Option{Scheme("Bad Name", v)}, `auth: invalid authentication scheme name "Bad Name"`},
		{"duplicate scheme", []Option{Bearer(v), Scheme("bearer", v)}, "auth: authentication scheme bearer configured twice"},
		{"nil verifier", []Option{Bearer(nil)}, "auth: scheme Bearer has no verifier"},
		{"realm with control characters", []Option{Bearer(v), Realm("a\nb")}, `auth: realm "a\nb" holds a control character`},
		{"query token without bearer", []Option{APIKey(v), QueryToken()}, "auth: QueryToken needs a Bearer scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if err, ok := recover().(error); !ok || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("panicked with %v, want an error saying %q", err, tt.want)
				}
			}()
			Authenticate(tt.opts...)
		})
	}
}

func TestAuthenticateQuotesRealm(t *testing.T) {
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), Realm(`my "api" \ v2`)), nil)
	rec := do(h, "/me")
	if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="my \"api\" \\ v2"` {
		t.Errorf("challenge %s", got)
	}
	if cs := checkChallenges(t, rec.Header()); cs["bearer"].params["realm"] != `my "api" \ v2` {
		t.Errorf("realm %q", cs["bearer"].params["realm"])
	}
}

// FuzzAuthenticate: any Authorization value gets a 400 or 401 with
// well-formed challenges, or (for a real token) a 200; never a panic.
func FuzzAuthenticate(f *testing.F) {
	valid := sign(f, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	for _, s := range []string{"", "Bearer", "Bearer ", "Bearer " + valid, "Bearer " + valid + "x", "ApiKey demo-app-key",
		"Basic x", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "Bearer ====", "\x00", "Bearer \xff",
		"Bearer eyJhbGciOiJIUzI1NiIsImtpZCI6MX0.e30.AAAA"} {
		f.Add(s)
	}
	h := newRouter(Authenticate(Bearer(hsVerifier(f, nil)), APIKey(testAPIKeys(f))), nil)
	f.Fuzz(func(t *testing.T, auth string) {
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		req.Header["Authorization"] = []string{auth}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200:
			return
		case 400, 401:
		default:
			t.Fatalf("status %d for %q", rec.Code, auth)
		}
		if len(rec.Header().Values("WWW-Authenticate")) != 2 {
			t.Fatalf("challenges %q", rec.Header().Values("WWW-Authenticate"))
		}
		checkChallenges(t, rec.Header())
	})
}

// discardWriter is a ResponseWriter that costs nothing, so benchmarks
// measure the middleware.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

func benchRoute(b *testing.B, h http.Handler, auth string) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/projects/42", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	w := &discardWriter{h: http.Header{}}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

// BenchmarkAuthenticate compares chiguard's authentication with a bare
// route and with go-chi/jwtauth on the same HS256 token, all through a chi
// router.
func BenchmarkAuthenticate(b *testing.B) {
	noContent := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }
	router := func(mw ...func(http.Handler) http.Handler) http.Handler {
		r := chi.NewRouter()
		r.Use(mw...)
		r.Get("/projects/{id}", noContent)
		return r
	}
	c := claims(nil)
	hs := sign(b, jwt.SigningMethodHS256, testSecret, c, nil)
	rsKey := testRSAKey(b, 0)
	rs := sign(b, jwt.SigningMethodRS256, rsKey, c, nil)
	verifier := func(cfg JWTConfig) *JWT {
		cfg.Issuer, cfg.Audience = "https://issuer.test", "api"
		v, err := NewJWT(cfg)
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
	hsCached := verifier(JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret})
	hsUncached := verifier(JWTConfig{Algorithms: []string{"HS256"}, Key: testSecret, CacheBytes: -1})
	rsUncached := verifier(JWTConfig{Algorithms: []string{"RS256"}, Key: &rsKey.PublicKey, CacheBytes: -1})
	ja := jwtauth.New("HS256", testSecret, nil)

	b.Run("bare", func(b *testing.B) { benchRoute(b, router(), "") })
	b.Run("chiguard/hs256-cached", func(b *testing.B) {
		benchRoute(b, router(Authenticate(Bearer(hsCached))), "Bearer "+hs)
	})
	b.Run("chiguard/hs256-uncached", func(b *testing.B) {
		benchRoute(b, router(Authenticate(Bearer(hsUncached))), "Bearer "+hs)
	})
	b.Run("chiguard/rs256-uncached", func(b *testing.B) {
		benchRoute(b, router(Authenticate(Bearer(rsUncached))), "Bearer "+rs)
	})
	b.Run("chiguard/apikey", func(b *testing.B) {
		benchRoute(b, router(Authenticate(Bearer(hsCached), APIKey(testAPIKeys(b)))), "ApiKey demo-app-key")
	})
	b.Run("jwtauth/hs256", func(b *testing.B) {
		benchRoute(b, router(jwtauth.Verifier(ja), jwtauth.Authenticator(ja)), "Bearer "+hs)
	})
}
