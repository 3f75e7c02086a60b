package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// introspectionServer answers RFC 7662 requests from a table of tokens,
// checking the client's credentials.
type introspectionServer struct {
	*httptest.Server
	calls  atomic.Int64
	mu     sync.Mutex
	tokens map[string]map[string]any
	status int
}

func newIntrospectionServer(t *testing.T) *introspectionServer {
	t.Helper()
	s := &introspectionServer{tokens: map[string]map[string]any{}, status: 200}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		// RFC 6749 §2.3.1: the client id and secret are form-urlencoded
		// before Basic encoding.
		id, secret, ok := r.BasicAuth()
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if !ok || id != "api client" || secret != "s3cr:et" || r.Method != http.MethodPost ||
			r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.status != 200 {
			w.WriteHeader(s.status)
			return
		}
		resp, ok := s.tokens[r.PostFormValue("token")]
		if !ok {
			resp = map[string]any{"active": false}
		}
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *introspectionServer) set(token string, resp map[string]any) {
	s.mu.Lock()
	s.tokens[token] = resp
	s.mu.Unlock()
}

func newTestIntrospection(t *testing.T, srv *introspectionServer, mod func(*IntrospectionConfig)) *Introspection {
	t.Helper()
	cfg := IntrospectionConfig{URL: srv.URL, ClientID: "api client", ClientSecret: "s3cr:et", Audience: "api"}
	if mod != nil {
		mod(&cfg)
	}
	v, err := NewIntrospection(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIntrospectionVerdicts(t *testing.T) {
	srv := newIntrospectionServer(t)
	exp := time.Now().Add(time.Hour).Unix()
	srv.set("user-token", map[string]any{"active": true, "sub": "alice", "username": "alice", "client_id": "web",
		"scope": "cloud:read", "exp": exp, "aud": "api"})
	srv.set("app-token", map[string]any{"active": true, "client_id": "svc", "scope": "cloud:read cloud:write", "exp": exp, "aud": []string{"api"}})
	srv.set("expired", map[string]any{"active": true, "sub": "alice", "exp": time.Now().Add(-time.Minute).Unix(), "aud": "api"})
	srv.set("future", map[string]any{"active": true, "sub": "alice", "nbf": time.Now().Add(time.Minute).Unix(), "aud": "api"})
	srv.set("other-api", map[string]any{"active": true, "sub": "alice", "aud": "billing"})
	srv.set("bad-exp", map[string]any{"active": true, "sub": "alice", "aud": "api", "exp": "soon"})
	srv.set("nbf-1e19", map[string]any{"active": true, "sub": "alice", "aud": "api", "nbf": 1e19})
	srv.set("nbf-2^63", map[string]any{"active": true, "sub": "alice", "aud": "api", "nbf": math.Ldexp(1, 63)})
	srv.set("exp-1e300", map[string]any{"active": true, "sub": "alice", "aud": "api", "exp": 1e300})
	srv.set("iat-1e300", map[string]any{"active": true, "sub": "alice", "aud": "api", "iat": 1e300})
	srv.set("exp-1e400", map[string]any{"active": true, "sub": "alice", "aud": "api", "exp": json.Number("1e400")})
	srv.set("nbsp-scope", map[string]any{"active": true, "sub": "alice", "aud": "api", "scope": "cloud:read\u00a0admin:manage"})
	srv.set("tab-scope", map[string]any{"active": true, "sub": "alice", "aud": "api", "scope": "cloud:read\tadmin:manage"})
	v := newTestIntrospection(t, srv, nil)

	tests := []struct {
		token   string
		want    error
		kind    Kind
		subject string
	}{
		{"user-token", nil, KindUser, "alice"},
		{"app-token", nil, KindApp, "svc"},
		{"revoked", ErrTokenInactive, 0, ""},
		{"expired", ErrTokenExpired, 0, ""},
		{"future", ErrTokenNotYetValid, 0, ""},
		{"other-api", ErrTokenAudience, 0, ""},
		{"bad-exp", ErrTokenClaims, 0, ""},
		{"nbf-1e19", ErrTokenMalformed, 0, ""},
		{"nbf-2^63", ErrTokenMalformed, 0, ""},
		{"exp-1e300", ErrTokenMalformed, 0, ""},
		{"iat-1e300", ErrTokenMalformed, 0, ""},
		{"exp-1e400", ErrTokenMalformed, 0, ""},
		{"nbsp-scope", ErrTokenClaims, 0, ""},
		{"tab-scope", ErrTokenClaims, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			p, err := v.Verify(context.Background(), tt.token)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Errorf("error %v, want %v", err, tt.want)
				}
				return
			}
			if err != nil || p.Kind != tt.kind || p.Subject != tt.subject || p.Expiry.Unix() != exp {
				t.Errorf("%+v, %v", p, err)
			}
		})
	}
}

func TestIntrospectionCaching(t *testing.T) {
	srv := newIntrospectionServer(t)
	clock := time.Now()
	srv.set("t", map[string]any{"active": true, "sub": "alice", "aud": "api", "exp": clock.Add(time.Hour).Unix()})
	srv.set("short", map[string]any{"active": true, "sub": "alice", "aud": "api", "exp": clock.Add(100 * time.Second).Unix()})
	v := newTestIntrospection(t, srv, func(c *IntrospectionConfig) { c.CacheTTL = time.Minute; c.NegativeTTL = 5 * time.Second })
	v.now = func() time.Time { return clock }
	ctx := context.Background()
	calls := func() int64 { return srv.calls.Load() }

	steps := []struct {
		name    string
		advance time.Duration
		token   string
		ok      bool
		calls   int64 // total endpoint calls after the step
	}{
		{"first use asks", 0, "t", true, 1},
		{"active result cached", 0, "t", true, 1},
		{"still cached within TTL", 50 * time.Second, "t", true, 1},
		{"asked again after TTL", 15 * time.Second, "t", true, 2},
		{"inactive asks", 0, "revoked", false, 3},
		{"inactive cached briefly", time.Second, "revoked", false, 3},
		{"inactive asked again after NegativeTTL", 5 * time.Second, "revoked", false, 4},
		{"short-lived token asks", 0, "short", true, 5},
		{"cached only until its exp", 30 * time.Second, "short", false, 6}, // 101 s after start
	}
	for _, s := range steps {
		clock = clock.Add(s.advance)
		_, err := v.Verify(ctx, s.token)
		if (err == nil) != s.ok || calls() != s.calls {
			t.Fatalf("%s: err %v, %d calls, want ok=%v and %d calls", s.name, err, calls(), s.ok, s.calls)
		}
	}
}

func TestIntrospectionInfrastructureFailures(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*introspectionServer) *Introspection
	}{
		{"endpoint error", func(s *introspectionServer) *Introspection {
			s.status = 500
			return newTestIntrospection(t, s, nil)
		}},
		{"our client credentials rejected", func(s *introspectionServer) *Introspection {
			return newTestIntrospection(t, s, func(c *IntrospectionConfig) { c.ClientSecret = "wrong" })
		}},
		{"endpoint unreachable", func(s *introspectionServer) *Introspection {
			s.Close()
			return newTestIntrospection(t, s, nil)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newIntrospectionServer(t)
			v := tt.setup(srv)
			for range 2 { // never cached
				_, err := v.Verify(context.Background(), "t")
				if !errors.Is(err, ErrVerifierUnavailable) || errors.Is(err, ErrInvalidToken) {
					t.Fatalf("error %v", err)
				}
			}
			h, _ := withLogger(newRouter(Authenticate(Bearer(v)), nil))
			if rec := do(h, "/me", "Bearer t"); rec.Code != 503 {
				t.Errorf("status %d", rec.Code)
			}
		})
	}
}

func TestNewIntrospectionConfigErrors(t *testing.T) {
	for _, cfg := range []IntrospectionConfig{{URL: "/introspect", ClientID: "a"}, {URL: "https://as.test/introspect"}} {
		if _, err := NewIntrospection(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// A configuration error quoted the whole introspection URL, password
// included, into the start-up error that programs log; NewJWKS redacts it.
func TestNewIntrospectionErrorRedactsTheURLPassword(t *testing.T) {
	for _, u := range []string{"ftp://api:s3cret-pw@as.test/introspect", "https://api:s3cret-pw@/introspect"} {
		_, err := NewIntrospection(IntrospectionConfig{URL: u, ClientID: "a"})
		if err == nil || strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%s: %v", u, err)
		}
	}
}

func TestIntrospectionCacheIsBoundedInBytes(t *testing.T) {
	srv := newIntrospectionServer(t)
	pad := strings.Repeat("p", 8<<10)
	for i := range 200 {
		srv.set(fmt.Sprint("t", i), map[string]any{"active": true, "sub": "alice", "aud": "api", "pad": pad})
	}
	const budget = 512 << 10 // 32 KiB a shard
	v := newTestIntrospection(t, srv, func(c *IntrospectionConfig) { c.CacheBytes = budget })
	for i := range 200 {
		if _, err := v.Verify(context.Background(), fmt.Sprint("t", i)); err != nil {
			t.Fatal(err)
		}
		v.Verify(context.Background(), fmt.Sprint("revoked", i, pad))
	}
	checkBytes(t, v.cache)
	if n := v.cache.bytes(); n > budget || n < budget/2 {
		t.Errorf("cache counts %d bytes, budget %d", n, budget)
	}
}
