package auth

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/golang-jwt/jwt/v5"
)

// The query token is found however many pairs come before it and however
// its name is escaped, and a token whose value does not unescape is
// refused as malformed: url.ParseQuery drops it, and it would pass for no
// token at all, past AllowAnonymous too.
func TestAuthenticateQueryTokenAsParseQueryCannotSee(t *testing.T) {
	valid := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), QueryToken(), AllowAnonymous()), nil)
	many := strings.Repeat("x=1&", 10_001)
	tests := []struct {
		name, target string
		auth         []string
		status       int
	}{
		{"past 10000 pairs", "/me?" + many + "access_token=" + valid, nil, 200},
		{"escaped name", "/me?access%5Ftoken=" + valid, nil, 200},
		{"escaped name and a header", "/me?access%5ftoken=" + valid, []string{"Bearer " + valid}, 400},
		{"second one past 10000 pairs", "/me?access_token=" + valid + "&" + many + "access_token=" + valid, nil, 400},
		{"bad escape", "/me?access_token=%zz", nil, 401},
		{"semicolon", "/me?access_token=" + valid + ";x", nil, 401},
		{"no token past 10000 pairs", "/me?" + many, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.target, tt.auth...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.name == "no token past 10000 pairs" && !strings.Contains(rec.Body.String(), "anonymous") {
				t.Errorf("not anonymous: %s", rec.Body)
			}
		})
	}
}

// FuzzAuthQueryValue holds authQueryValue to url.ParseQuery wherever the
// query parses: the same number of values for the name, the same first.
func FuzzAuthQueryValue(f *testing.F) {
	for _, s := range []string{"", "access_token=a", "access_token=a&access_token=b", "x=1&access_token", "access%5Ftoken=a",
		"access+token=a", "access_token=%zz", "access_token=a;b", "&&access_token=a%20b&", "%zz=1&access_token=c",
		"access_token=%e2%82%ac", "x=access_token"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, n := authQueryValue(raw, "access_token")
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // ParseQuery drops pairs here; authQueryValue keeps them, as sent
		}
		vs := q["access_token"]
		if n != len(vs) || n > 0 && got != vs[0] {
			t.Fatalf("query %q: authQueryValue %q %d, ParseQuery %q", raw, got, n, vs)
		}
	})
}

// BenchmarkHostileQueryToken sends a query of one size, an invalid
// access_token among its pairs: "benign" pads it with ordinary pairs,
// "long-value" with one long parameter, "short-pairs" with the shortest
// distinct ones, "empty-pairs" with "&&&", "escaped-keys" with keys of
// escapes of the token name's length, each unescaped before it is
// compared. url.ParseQuery, which built a map of every pair, cost
// "short-pairs" some twenty times "long-value" and allocated 26 times the
// query's size; the hostile shapes should cost at most a few times the
// benign one, and allocate nothing but for escaped keys.
func BenchmarkHostileQueryToken(b *testing.B) {
	h := Authenticate(Bearer(hsVerifier(b, nil)), QueryToken())(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	const size = 64 << 10
	pad := func(pair func(i int) string) string {
		var q strings.Builder
		q.WriteString("access_token=a.b")
		for i := 0; q.Len() < size; i++ {
			q.WriteString("&" + pair(i))
		}
		return q.String()
	}
	for _, shape := range []struct{ name, query string }{
		{"benign", pad(func(i int) string { return "page_size" + strconv.Itoa(i) + "=20" })},
		{"long-value", "access_token=a.b&pad=" + strings.Repeat("x", size-len("access_token=a.b&pad="))},
		{"short-pairs", pad(func(i int) string { return "k" + strconv.Itoa(i) + "=1" })},
		{"empty-pairs", "access_token=a.b" + strings.Repeat("&", size-len("access_token=a.b"))},
		{"escaped-keys", pad(func(int) string { return "%61ccess%5ftoke%6f=1" })},
	} {
		r := httptest.NewRequest(http.MethodGet, "/?"+shape.query, nil)
		b.Run(shape.name, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			b.SetBytes(int64(len(shape.query)))
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}

// RFC 6750 §2.3: an answer to a request authenticated by a token in its
// URL is "Cache-Control: private", so that no shared cache keyed by the
// URL serves it after the token is revoked, to whoever finds the URL in a
// log. Tokens in the header need nothing (shared caches do not store those
// answers), and a handler's own Cache-Control wins.
func TestAuthenticateQueryTokenAnswersArePrivate(t *testing.T) {
	valid := sign(t, jwt.SigningMethodHS256, testSecret, claims(nil), nil)
	h := newRouter(Authenticate(Bearer(hsVerifier(t, nil)), QueryToken(), AllowAnonymous()), func(r chi.Router) {
		r.Get("/fresh", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-cache")
			whoami(w, r)
		})
	})
	tests := []struct {
		name, target string
		auth         []string
		status       int
		cacheControl string
	}{
		{"query token", "/me?access_token=" + valid, nil, 200, "private"},
		{"query token again, from the cache", "/me?access_token=" + valid, nil, 200, "private"},
		{"header token", "/me", []string{"Bearer " + valid}, 200, ""},
		{"anonymous", "/me", nil, 200, ""},
		{"the handler's own", "/fresh?access_token=" + valid, nil, 200, "no-cache"},
		{"refused query token", "/me?access_token=x", nil, 401, "no-store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, tt.target, tt.auth...)
			if rec.Code != tt.status || rec.Header().Get("Cache-Control") != tt.cacheControl {
				t.Fatalf("%d, Cache-Control %q; want %d, %q", rec.Code, rec.Header().Get("Cache-Control"), tt.status, tt.cacheControl)
			}
			if b := body(t, rec); tt.status == 200 && tt.name != "anonymous" && b["subject"] != "alice" {
				t.Errorf("body %v", b)
			}
		})
	}
}
