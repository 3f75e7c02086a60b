package middleware

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzPlainPath holds plainPath to its definition, read segment by
// segment: no "." or ".." segment and no empty one but at either end, as
// sent and once unescaped.
func FuzzPlainPath(f *testing.F) {
	for _, s := range []string{"/", "", "/healthz", "/a/", "//a", "/a//b", "/./a", "/a/..", "/%2e%2e/a", "/a%2F%2Fb", "/%zz", "/a%2fb",
		"/.%2e", "/%2E", "/a.b/.c"} {
		f.Add(s)
	}
	plain := func(p string) bool {
		segs := strings.Split(p, "/")
		for i, seg := range segs {
			if seg == "." || seg == ".." || seg == "" && i > 0 && i < len(segs)-1 {
				return false
			}
		}
		return true
	}
	f.Fuzz(func(t *testing.T, p string) {
		dec, err := url.PathUnescape(p)
		want := plain(p) && (!strings.Contains(p, "%") || err == nil && plain(dec))
		if got := plainPath(p); got != want {
			t.Fatalf("plainPath(%q) = %v, want %v", p, got, want)
		}
	})
}

// BenchmarkHostileMaintenancePath sends requests with 64 KiB paths to a
// Maintenance that is on, past its exemptions, each read from its wire
// bytes as a server would: "benign" is a path of ordinary segments,
// "one-segment" one long segment, the others are one-byte segments, dots,
// or escapes unescaped to be read again. Each should cost at most a few
// times the benign one.
func BenchmarkHostileMaintenancePath(b *testing.B) {
	m := &Maintenance{Exempt: []string{"/healthz", "/problems", "/problems/*"}}
	m.Enable(time.Minute)
	h := m.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	const size = 64 << 10
	for _, shape := range []struct{ name, path string }{
		{"benign", "/files" + strings.Repeat("/segment", size/8)},
		{"one-segment", "/files/" + strings.Repeat("a", size)},
		{"segments", "/files" + strings.Repeat("/a", size/2)},
		{"dots", "/files" + strings.Repeat("/a.", size/3)},
		{"escapes", "/files/" + strings.Repeat("%41", size/3)},
		{"escaped-slashes", "/files" + strings.Repeat("%2Fa", size/4)},
	} {
		raw := []byte("GET " + shape.path + " HTTP/1.1\r\nHost: example.com\r\n\r\n")
		b.Run(shape.name, func(b *testing.B) { serveWire(b, h, raw, http.StatusServiceUnavailable) })
	}
}
