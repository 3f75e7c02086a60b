package ratelimit

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// FuzzRateLimitFields: whatever the policy names, quotas, windows and
// counts, a limiter either refuses the configuration or renders both
// fields as valid RFC 9651 lists saying what its policies are.
func FuzzRateLimitFields(f *testing.F) {
	f.Add("burst", int64(100), int64(60000), int64(42000), int64(58), int64(0), int64(1), true)
	f.Add(`a "quoted" \ name`, int64(1), int64(1), int64(0), int64(5), int64(9), int64(3), false)
	f.Add("daily", int64(MaxQuota), MaxWindow.Milliseconds(), int64(-5), int64(1<<50), int64(-1), int64(0), false)
	f.Add("", int64(0), int64(0), int64(0), int64(0), int64(0), int64(0), false)
	f.Add("tab\there", int64(3), int64(1500), int64(1499), int64(2), int64(2), int64(7), false)
	f.Fuzz(func(t *testing.T, name string, quota, windowMs, elapsedMs, cur, prev, cost int64, taken bool) {
		if quota > 1<<40 || quota < -1<<40 || windowMs > 1<<50 || windowMs < -1<<50 {
			return // Policy.Quota is an int; keep Window's multiplication in range
		}
		p := Policy{Name: name, Quota: int(quota), Window: time.Duration(windowMs) * time.Millisecond}
		if p.Name == "" {
			p.Name = defaultName(p) // what NewLimiter names an unnamed policy
		}
		other := Policy{Name: "other", Quota: 7, Window: time.Hour}
		if name == "other" {
			other.Name = "other2"
		}
		l, err := NewLimiter(p, AndPolicy(other), LegacyHeaders())
		if err != nil {
			if p.validate() == nil {
				t.Fatalf("New refused a valid policy %+v: %v", p, err)
			}
			return
		}
		usage := []Usage{
			{Current: cur, Previous: prev, Elapsed: time.Duration(elapsedMs) * time.Millisecond},
			{Current: 3},
		}
		h := http.Header{}
		retry := l.setFields(h, &scratch{}, usage, taken, max(cost, 0))

		pol, err := parseSFList(h.Get("RateLimit-Policy"))
		if err != nil || len(pol) != 2 {
			t.Fatalf("RateLimit-Policy %q: %v", h.Get("RateLimit-Policy"), err)
		}
		rl, err := parseSFList(h.Get("RateLimit"))
		if err != nil || len(rl) != 2 {
			t.Fatalf("RateLimit %q: %v", h.Get("RateLimit"), err)
		}
		for i, want := range []Policy{p, other} {
			if pol[i].value != want.Name || rl[i].value != want.Name {
				t.Errorf("item %d names %v / %v, want %q", i, pol[i].value, rl[i].value, want.Name)
			}
			q, _ := pol[i].param("q")
			w, _ := pol[i].param("w")
			if q != int64(want.Quota) || w != want.windowSeconds() || w.(int64) < 1 {
				t.Errorf("policy %d: q=%v w=%v", i, q, w)
			}
			r, okR := rl[i].param("r")
			tt, okT := rl[i].param("t")
			if !okR || !okT || r.(int64) < 0 || r.(int64) > int64(want.Quota) || tt.(int64) < 1 {
				t.Errorf("RateLimit item %d: r=%v t=%v", i, r, tt)
			}
		}
		if !taken && retry < 1 && h.Get("RateLimit") != "" {
			// A refusal always has a positive Retry-After, unless nothing
			// was violated (a counter refusing without cause).
			s := newState(&l.policies[0], &usage[0])
			if !fits(s.q, s.w, s.e, s.c, s.p, max(cost, 0)) {
				t.Errorf("refused with Retry-After %d", retry)
			}
		}
	})
}

// keySpy records the keys a limiter hands its counter.
type keySpy struct{ keys []string }

func (s *keySpy) Take(_ context.Context, key string, _ int, _ []Policy, usage []Usage) (bool, error) {
	s.keys = append(s.keys, key)
	usage[0] = Usage{Current: 1}
	return true, nil
}

// FuzzKey: keys built from client input (headers, RemoteAddr) never panic,
// stay bounded, and two requests share a key only if every part is equal.
func FuzzKey(f *testing.F) {
	f.Add("ab", "c", "a", "bc", "192.0.2.1:1", "[2001:db8::1]:2")
	f.Add("", "x", "x", "", "@", "")
	f.Add("\x01", "", "", "\x01", "[::ffff:192.0.2.1]:3", "192.0.2.1:4")
	f.Add("", "", "", "", "[64:ff9b::192.0.2.1]:3", "192.0.2.1:4")
	f.Add(strings.Repeat("y", 300), "", strings.Repeat("y", 299), "y", "1.2.3.4", "1.2.3.4:80")
	digest := sha256.Sum256([]byte(strings.Repeat("y", 300)))
	f.Add(strings.Repeat("y", 300), "", string(digest[:]), "", "1.2.3.4", "1.2.3.4:80")
	f.Fuzz(func(t *testing.T, a1, b1, a2, b2, remote1, remote2 string) {
		spy := &keySpy{}
		part := func(name string) KeyFunc {
			return KeyFrom(func(r *http.Request) (string, error) { return r.Header.Get(name), nil })
		}
		l, err := NewLimiter(Policy{Quota: 1, Window: time.Second}, CountIn(spy), FailOpen(),
			Logger(slog.New(slog.DiscardHandler)), KeyBy(part("A"), part("B"), ByIP))
		if err != nil {
			t.Fatal(err)
		}
		h := l.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		send := func(a, b, remote string) (string, bool) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header["A"], r.Header["B"] = []string{a}, []string{b}
			r.RemoteAddr = remote
			n := len(spy.keys)
			h.ServeHTTP(httptest.NewRecorder(), r)
			if len(spy.keys) == n {
				return "", false // no client IP: served open, uncounted
			}
			return spy.keys[n], true
		}
		k1, ok1 := send(a1, b1, remote1)
		k2, ok2 := send(a2, b2, remote2)
		if !ok1 || !ok2 {
			return
		}
		if len(k1) > 3*(maxKeyPart+1) || len(k2) > 3*(maxKeyPart+1) {
			t.Fatalf("unbounded keys: %d, %d bytes", len(k1), len(k2))
		}
		ip1, ip2 := unembed(remoteAddr(remote1).Unmap().WithZone("")), unembed(remoteAddr(remote2).Unmap().WithZone(""))
		if ip1.Is6() {
			p, _ := ip1.Prefix(64)
			ip1 = p.Addr()
		}
		if ip2.Is6() {
			p, _ := ip2.Prefix(64)
			ip2 = p.Addr()
		}
		same := a1 == a2 && b1 == b2 && ip1 == ip2
		if (k1 == k2) != same {
			t.Errorf("parts (%q, %q, %v) and (%q, %q, %v): keys equal %v", a1, b1, ip1, a2, b2, ip2, k1 == k2)
		}
	})
}

// FuzzRemoteAddr: the IPv4 fast path agrees with netip on every input.
func FuzzRemoteAddr(f *testing.F) {
	for _, s := range []string{"192.0.2.1:1234", "1.2.3.4", "01.2.3.4:5", "256.1.1.1", "[::1]:80", "1.2.3.4:", "9.9.9.9x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseIPv4(s)
		if !ok {
			return
		}
		host := s
		if i := strings.IndexByte(s, ':'); i >= 0 {
			host = s[:i]
		}
		if want, err := netip.ParseAddr(host); err != nil || want != fast {
			t.Errorf("parseIPv4(%q) = %v, netip says %v %v", s, fast, want, err)
		}
	})
}
