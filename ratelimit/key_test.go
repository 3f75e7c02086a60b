package ratelimit

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/middleware/auth"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

func withPrincipal(p auth.Principal) func(*http.Request) {
	return func(r *http.Request) { *r = *r.WithContext(auth.WithPrincipal(r.Context(), p)) }
}

func withXFF(v string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("X-Forwarded-For", v) }
}

// Each case sends a request that uses the single unit of quota, then a
// second request: the same bucket answers 429, another bucket 200.
func TestKeysSeparateOrShareBuckets(t *testing.T) {
	alice := auth.Principal{Subject: "alice", Kind: auth.KindUser}
	bob := auth.Principal{Subject: "bob", Kind: auth.KindUser}
	app := auth.Principal{Subject: "svc", ClientID: "alice", Kind: auth.KindApp}
	type req struct {
		path, remote string
		mod          []func(*http.Request)
	}
	tests := []struct {
		name          string
		keys          []KeyFunc
		proxy         bool // chi's ClientIPFromXFF trusting 10.0.0.0/8
		first, second req
		sameBucket    bool
	}{
		{"one principal from two IPs", nil, false,
			req{"/other", "192.0.2.1:1", []func(*http.Request){withPrincipal(alice)}},
			req{"/other", "192.0.2.9:1", []func(*http.Request){withPrincipal(alice)}}, true},
		{"two principals from one IP", nil, false,
			req{"/other", "192.0.2.1:1", []func(*http.Request){withPrincipal(alice)}},
			req{"/other", "192.0.2.1:1", []func(*http.Request){withPrincipal(bob)}}, false},
		{"a user and an app of the same name", nil, false,
			req{"/other", "192.0.2.1:1", []func(*http.Request){withPrincipal(alice)}},
			req{"/other", "192.0.2.1:1", []func(*http.Request){withPrincipal(app)}}, false},
		{"anonymous: one IP, two ports", nil, false,
			req{"/other", "192.0.2.1:1", nil}, req{"/other", "192.0.2.1:2", nil}, true},
		{"anonymous: two IPs", nil, false,
			req{"/other", "192.0.2.1:1", nil}, req{"/other", "192.0.2.2:1", nil}, false},
		{"IPv6 in one /64", nil, false,
			req{"/other", "[2001:db8:1:2::1]:1", nil}, req{"/other", "[2001:db8:1:2:ffff::9]:1", nil}, true},
		{"IPv6 in two /64s", nil, false,
			req{"/other", "[2001:db8:1:2::1]:1", nil}, req{"/other", "[2001:db8:1:3::1]:1", nil}, false},
		{"v4-mapped IPv6 is its IPv4", nil, false,
			req{"/other", "[::ffff:192.0.2.1]:1", nil}, req{"/other", "192.0.2.1:2", nil}, true},
		{"IPv4 through a NAT64 translator: two clients", nil, false,
			req{"/other", "[64:ff9b::c000:201]:1", nil}, req{"/other", "[64:ff9b::c633:6401]:1", nil}, false},
		{"IPv4 through a NAT64 translator is its IPv4", nil, false,
			req{"/other", "[64:ff9b::c000:201]:1", nil}, req{"/other", "192.0.2.1:2", nil}, true},
		{"IPv4 through a NAT64 translator by /24", []KeyFunc{ByIPPrefix(24, 64)}, false,
			req{"/other", "[64:ff9b::c000:201]:1", nil}, req{"/other", "192.0.2.200:1", nil}, true},
		{"X-Forwarded-For ignored without a trusted proxy", nil, false,
			req{"/other", "192.0.2.1:1", []func(*http.Request){withXFF("198.51.100.1")}},
			req{"/other", "192.0.2.1:1", []func(*http.Request){withXFF("198.51.100.2")}}, true},
		{"X-Forwarded-For from a trusted proxy", nil, true,
			req{"/other", "10.0.0.1:1", []func(*http.Request){withXFF("198.51.100.1")}},
			req{"/other", "10.0.0.1:1", []func(*http.Request){withXFF("198.51.100.2")}}, false},
		{"X-Forwarded-For from an untrusted peer", nil, true,
			req{"/other", "192.0.2.1:1", []func(*http.Request){withXFF("198.51.100.1")}},
			req{"/other", "192.0.2.1:1", []func(*http.Request){withXFF("198.51.100.2")}}, true},
		{"route pattern: two IDs share", []KeyFunc{ByRoute}, false,
			req{"/items/1", "192.0.2.1:1", nil}, req{"/items/2", "192.0.2.2:1", nil}, true},
		{"route pattern: two routes", []KeyFunc{ByRoute}, false,
			req{"/items/1", "192.0.2.1:1", nil}, req{"/other", "192.0.2.1:1", nil}, false},
		{"client and route: same client, other route", []KeyFunc{ByPrincipalOrIP, ByRoute}, false,
			req{"/items/1", "192.0.2.1:1", nil}, req{"/other", "192.0.2.1:1", nil}, false},
		{"client and route: same both", []KeyFunc{ByPrincipalOrIP, ByRoute}, false,
			req{"/items/1", "192.0.2.1:1", nil}, req{"/items/7", "192.0.2.1:1", nil}, true},
		{"IPv4 by /24", []KeyFunc{ByIPPrefix(24, 64)}, false,
			req{"/other", "192.0.2.1:1", nil}, req{"/other", "192.0.2.200:1", nil}, true},
		{"constant key: one bucket", []KeyFunc{Key("all")}, false,
			req{"/other", "192.0.2.1:1", nil}, req{"/items/3", "198.51.100.7:1", nil}, true},
		{"custom key", []KeyFunc{KeyFrom(func(r *http.Request) (string, error) { return r.Header.Get("X-Tenant"), nil })}, false,
			req{"/other", "192.0.2.1:1", []func(*http.Request){func(r *http.Request) { r.Header.Set("X-Tenant", "a") }}},
			req{"/other", "192.0.2.2:1", []func(*http.Request){func(r *http.Request) { r.Header.Set("X-Tenant", "b") }}}, false},
		{"parts do not run into each other", []KeyFunc{header("X-A"), header("X-B")}, false,
			req{"/other", "", []func(*http.Request){setHeaders("X-A", "ab", "X-B", "c")}},
			req{"/other", "", []func(*http.Request){setHeaders("X-A", "a", "X-B", "bc")}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := Limit(1, time.Minute, KeyBy(tt.keys...))
			if tt.keys == nil {
				lim = Limit(1, time.Minute)
			}
			r := chi.NewRouter()
			if tt.proxy {
				r.Use(chimw.ClientIPFromXFF("10.0.0.0/8"))
			}
			ok := func(w http.ResponseWriter, _ *http.Request) {}
			r.Group(func(r chi.Router) {
				r.Use(lim)
				r.Get("/items/{id}", ok)
				r.Get("/other", ok)
			})
			if w := do(r, tt.first.path, tt.first.remote, tt.first.mod...); w.Code != http.StatusOK {
				t.Fatalf("first request: %d", w.Code)
			}
			want := http.StatusOK
			if tt.sameBucket {
				want = http.StatusTooManyRequests
			}
			if w := do(r, tt.second.path, tt.second.remote, tt.second.mod...); w.Code != want {
				t.Errorf("second request: %d, want %d", w.Code, want)
			}
		})
	}
}

func TestKeyErrors(t *testing.T) {
	tests := []struct {
		name   string
		key    KeyFunc
		remote string
		want   error
	}{
		{"no principal", ByPrincipal, "192.0.2.1:1", ErrNoPrincipal},
		{"unparsable RemoteAddr", ByIP, "@unix-socket", ErrNoClientIP},
		{"no chi routing", ByRoute, "192.0.2.1:1", ErrNoRoute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			if _, err := tt.key(nil, r); err != tt.want {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

// Keys from client input are bounded: a megabyte-long part is hashed, and
// two long parts differing in their last byte still count apart.
func TestLongKeyPartsAreHashed(t *testing.T) {
	var seen []int
	spy := &spyCounter{lens: &seen}
	long := strings.Repeat("x", 1<<20)
	h := router(Limit(1, time.Minute, CountIn(spy),
		KeyBy(KeyFrom(func(r *http.Request) (string, error) { return long + r.Header.Get("X-End"), nil }))))
	do(h, "/other", "", func(r *http.Request) { r.Header.Set("X-End", "a") })
	do(h, "/other", "", func(r *http.Request) { r.Header.Set("X-End", "b") })
	if len(seen) != 2 || seen[0] > 64 || seen[1] > 64 {
		t.Fatalf("key lengths %v, want two keys of at most 64 bytes", seen)
	}
	if spy.keys[0] == spy.keys[1] {
		t.Error("two long keys hashed alike")
	}
}

// A part that is itself 32 bytes, the size of a digest, never shares the
// bucket of the long part whose SHA-256 it spells: the digest is marked
// apart. Without the mark, a client who learns a long key part (a tenant,
// say) drains its bucket by sending the part's digest, percent-encoded.
func TestAHashedPartIsNoRawPartOfItsBytes(t *testing.T) {
	long := strings.Repeat("t", 300)
	sum := sha256.Sum256([]byte(long))
	h := router(Limit(1, time.Minute, KeyBy(KeyFrom(func(r *http.Request) (string, error) {
		return r.URL.Query().Get("tenant"), nil
	}))))
	if w := do(h, "/other?tenant="+url.QueryEscape(string(sum[:])), "192.0.2.1:1"); w.Code != http.StatusOK {
		t.Fatalf("the digest's own first request: %d, want 200", w.Code)
	}
	w := do(h, "/other?tenant="+long, "192.0.2.2:1")
	if w.Code != http.StatusOK || w.Body.String() != "ok" {
		t.Fatalf("the long tenant's first request: %d %q, want 200 ok: it shared the bucket of its digest", w.Code, w.Body)
	}
	if f := fields(t, w)["1-per-1m"]; f[0] != 0 {
		t.Errorf("RateLimit r=%d, want 0", f[0])
	}
	if w := do(h, "/other?tenant="+long, "192.0.2.2:1"); w.Code != http.StatusTooManyRequests {
		t.Errorf("the long tenant's second request: %d, want 429", w.Code)
	}
}

type spyCounter struct {
	lens *[]int
	keys []string
}

func (s *spyCounter) Take(_ context.Context, key string, _ int, _ []Policy, usage []Usage) (bool, error) {
	*s.lens = append(*s.lens, len(key))
	s.keys = append(s.keys, key)
	usage[0] = Usage{Current: 1}
	return true, nil
}

func header(name string) KeyFunc {
	return KeyFrom(func(r *http.Request) (string, error) { return r.Header.Get(name), nil })
}

func setHeaders(kv ...string) func(*http.Request) {
	return func(r *http.Request) {
		for i := 0; i < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
	}
}

func TestRemoteAddrForms(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1:1234":       "192.0.2.1",
		"192.0.2.1":            "192.0.2.1",
		"[2001:db8::1]:80":     "2001:db8::1",
		"2001:db8::1":          "2001:db8::1",
		"[fe80::1%eth0]:80":    "fe80::1%eth0",
		"::1":                  "::1",
		"":                     "invalid IP",
		"@":                    "invalid IP",
		"[2001:db8::1]":        "invalid IP",
		"example.com:80":       "invalid IP",
		"[::ffff:192.0.2.1]:1": "::ffff:192.0.2.1",
		"255.255.255.255:0":    "255.255.255.255",
		"0.0.0.0":              "0.0.0.0",
		"192.0.2.01:1":         "invalid IP",
		"192.0.2.256:1":        "invalid IP",
		"192.0.2:1":            "invalid IP",
		"192.0.2.1.5:1":        "invalid IP",
		"1922.0.2.1:1":         "invalid IP",
		"192.0.2.1x":           "invalid IP",
	} {
		if got := remoteAddr(in).String(); got != want {
			t.Errorf("remoteAddr(%q) = %s, want %s", in, got, want)
		}
	}
}

// A limiter that r.Use mounts inside r.Route runs before the subrouter
// routes, when chi's patterns end with the mount's "/*": ByRoute still
// keys each of the subrouter's routes apart, as r.With on them would.
func TestByRouteInsideASubrouterKeysEachRoute(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request) {}
	api := func() http.Handler {
		r := chi.NewRouter()
		r.Route("/users", func(r chi.Router) {
			r.Use(Limit(1, time.Minute, KeyBy(ByRoute)))
			r.Get("/{id}", ok)
			r.Get("/{id}/posts", ok)
			r.Route("/{id}/files", func(r chi.Router) { r.Get("/*", ok) })
		})
		r.Mount("/static", Limit(1, time.Minute, KeyBy(ByRoute))(http.HandlerFunc(ok)))
		return r
	}
	for _, tt := range []struct {
		first, second string
		want          int
	}{
		{"/users/1", "/users/1/posts", http.StatusOK},
		{"/users/1/posts", "/users/1/files/a", http.StatusOK},
		{"/users/2", "/users/3", http.StatusTooManyRequests},
		{"/users/4/posts", "/users/5/posts", http.StatusTooManyRequests},
		{"/users/6/files/a", "/users/7/files/b/c", http.StatusTooManyRequests},
		{"/static/a", "/static/b", http.StatusTooManyRequests}, // a mounted handler is one route
	} {
		h := api()
		if w := do(h, tt.first, "192.0.2.1:1"); w.Code != http.StatusOK {
			t.Fatalf("%s: %d, want 200", tt.first, w.Code)
		}
		if w := do(h, tt.second, "192.0.2.1:1"); w.Code != tt.want {
			t.Errorf("%s after %s: %d, want %d", tt.second, tt.first, w.Code, tt.want)
		}
	}
}

// chi routes the path a middleware such as StripSlashes or CleanPath set,
// not the URL's: ByRoute keys by the route chi serves, so "/users/1/" and
// "/users//1" count with "/users/1" and win no fresh quota.
func TestByRouteInsideASubrouterKeysTheRoutedPath(t *testing.T) {
	ok := func(w http.ResponseWriter, _ *http.Request) {}
	for _, tt := range []struct {
		name   string
		clean  func(http.Handler) http.Handler
		second string
	}{
		{"StripSlashes", chimw.StripSlashes, "/t/a/users/2/"},
		{"CleanPath", chimw.CleanPath, "/t/a/users//2"},
	} {
		r := chi.NewRouter()
		r.Use(tt.clean)
		r.Route("/t/{tenant}", func(r chi.Router) {
			r.Route("/users", func(r chi.Router) {
				r.Use(Limit(1, time.Minute, KeyBy(ByRoute)))
				r.Get("/{id:[0-9]+}", ok)
				r.Get("/new", ok)
			})
		})
		if w := do(r, "/t/a/users/1", "192.0.2.1:1"); w.Code != http.StatusOK {
			t.Fatalf("%s: first: %d, want 200", tt.name, w.Code)
		}
		if w := do(r, "/t/b/users/new", "192.0.2.1:1"); w.Code != http.StatusOK {
			t.Errorf("%s: another route: %d, want 200", tt.name, w.Code)
		}
		if w := do(r, tt.second, "192.0.2.1:1"); w.Code != http.StatusTooManyRequests {
			t.Errorf("%s: %s: %d, want 429", tt.name, tt.second, w.Code)
		}
	}
}
