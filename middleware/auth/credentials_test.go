package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSplitAuthorization(t *testing.T) {
	tests := []struct {
		in, scheme, credentials string
		ok                      bool
	}{
		{"Bearer abc", "Bearer", "abc", true},
		{"bearer   abc", "bearer", "abc", true},
		{" Bearer\tabc ", "Bearer", "abc", true},
		{"Bearer", "Bearer", "", true},
		{"Bearer a b", "Bearer", "a b", true},
		{"", "", "", false},
		{"   ", "", "", false},
	}
	for _, tt := range tests {
		s, c, ok := splitAuthorization(tt.in)
		if s != tt.scheme || c != tt.credentials || ok != tt.ok {
			t.Errorf("splitAuthorization(%q) = %q, %q, %v", tt.in, s, c, ok)
		}
	}
}

func TestValidToken68(t *testing.T) {
	tests := map[string]bool{
		"abc": true, "a.b.c": true, "A-Z_a~z+/9": true, "abc==": true, "demo-app-key": true,
		"": false, "==": false, "a=b": false, "a b": false, "a,b": false, `a"b`: false, "a\x00": false, "é": false,
		strings.Repeat("a", MaxCredentialLength):   true,
		strings.Repeat("a", MaxCredentialLength+1): false,
	}
	for s, want := range tests {
		if got := validToken68(s); got != want {
			t.Errorf("validToken68(%.20q) = %v", s, got)
		}
	}
}

// FuzzParseAuthorization: the parser never panics, its results are parts
// of the input, and what it accepts as credentials is plain token68.
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"Bearer abc", "Bearer", "", " ", "Bearer  a.b.c==", "ApiKey k\t", "Basic a b", "\x00 \x00",
		"Bearer \xff\xfe", "B e a r e r", "Bearer ===", strings.Repeat("x", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		scheme, credentials, ok := splitAuthorization(v)
		if !ok {
			if strings.Trim(v, " \t") != "" {
				t.Fatalf("%q has a scheme", v)
			}
			return
		}
		if scheme == "" || strings.ContainsAny(scheme, " \t") || !strings.Contains(v, scheme) || !strings.Contains(v, credentials) {
			t.Fatalf("%q split into %q, %q", v, scheme, credentials)
		}
		if validToken68(credentials) && strings.ContainsFunc(credentials, func(r rune) bool {
			return !strings.ContainsRune("-._~+/=", r) && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
		}) {
			t.Fatalf("%q accepted as token68", credentials)
		}
	})
}

// BenchmarkHostileCredentials sends malformed credentials of one size two
// ways: "benign" breaks the token68 syntax at its end, "commas" is made of
// commas, or of one-letter names between commas, which credentialList
// walks looking for a second credential's scheme. At
// MaxCredentialLength and beyond it (where nothing is walked), a hostile
// shape should cost at most a few times the benign one.
func BenchmarkHostileCredentials(b *testing.B) {
	h := Authenticate(Bearer(hsVerifier(b, nil)), APIKey(testAPIKeys(b)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, n := range []int{MaxCredentialLength - len("Bearer "), 1 << 20} {
		for _, shape := range []struct{ name, value string }{
			{"benign", strings.Repeat("a", n-1) + "\""},
			{"commas", strings.Repeat(",", n)},
			{"names", strings.Repeat("x,", n/2)},
		} {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Authorization", "Bearer "+shape.value)
			b.Run(fmt.Sprintf("size=%d/%s", n, shape.name), func(b *testing.B) {
				w := &discardWriter{h: http.Header{}}
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					h.ServeHTTP(w, r)
				}
			})
		}
	}
}

// FuzzCredentialList checks the one-pass credentialList against its
// definition: some element after the first comma starts, once trimmed,
// with the name of a configured scheme.
func FuzzCredentialList(f *testing.F) {
	for _, s := range []string{"x, ApiKey y", "x,apikey", "x,\tBEARER y", "x,, ,Basic z", "x,ApiKe", "x,Bearerx",
		"x,\u212Aey", "x,ApiKe\u212A", ",", "", "x,  ", strings.Repeat("x,", 50)} {
		f.Add(s)
	}
	cfg := authConfig{}
	Bearer(hsVerifier(f, nil))(&cfg)
	APIKey(testAPIKeys(f))(&cfg)
	a, err := newAuthenticator(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, credentials string) {
		want := false
		if len(credentials) <= MaxCredentialLength {
			for _, part := range strings.Split(credentials, ",")[1:] {
				if name, _, ok := splitAuthorization(part); ok && a.scheme(name) >= 0 {
					want = true
				}
			}
		}
		if got := a.credentialList(credentials); got != want {
			t.Errorf("credentialList(%q) = %v, want %v", credentials, got, want)
		}
	})
}
