package auth

import (
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
