package middleware

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"
)

// FuzzRequestID: an ID RequestID keeps is 1 to 128 bytes of the safe set
// with no dot segment, and is kept as sent; any other is replaced by a
// new, valid one.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"abc", "0b9e3c1e-4f1a-4c59-9a43-0f6b1e2d3c4b", "host/AbC-000042", "a/../b", "./a", "..", "a..b",
		"has space", "é", "x\x00y", strings.Repeat("x", 128), strings.Repeat("x", 129), "", "//", "/./"} {
		f.Add(s)
	}
	h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(chimw.GetReqID(r.Context())))
	}))
	f.Fuzz(func(t *testing.T, id string) {
		valid := ValidRequestID(id)
		if valid {
			if len(id) == 0 || len(id) > maxRequestIDLen || strings.ContainsFunc(id, func(r rune) bool {
				return !strings.ContainsRune("-._~:/+=@", r) && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
			}) || slices.Contains(strings.Split(id, "/"), ".") || slices.Contains(strings.Split(id, "/"), "..") {
				t.Fatalf("%q taken as a request ID", id)
			}
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header[RequestIDHeader] = []string{id}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		got := rec.Body.String()
		if got != rec.Header().Get(RequestIDHeader) || !ValidRequestID(got) || valid != (got == id) {
			t.Fatalf("id %q: kept %q, sent back %q", id, got, rec.Header().Get(RequestIDHeader))
		}
	})
}

// BenchmarkHostileRequestID sends X-Request-Id values of the longest kept
// length and of 1 MB: "benign" is a plain ID, the hostile ones are all
// slashes, short segments or dots, each read for dot segments, and a
// megabyte refused by its length. Each should cost at most a few times the
// benign one.
func BenchmarkHostileRequestID(b *testing.B) {
	h := RequestID(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, shape := range []struct{ name, id string }{
		{"benign", strings.Repeat("0123456789abcdef", maxRequestIDLen/16)},
		{"slashes", strings.Repeat("/", maxRequestIDLen)},
		{"segments", strings.Repeat("a/", maxRequestIDLen/2)},
		{"dots", strings.Repeat("a./", maxRequestIDLen/3)},
		{"megabyte", strings.Repeat("a/", 1<<19)},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header[RequestIDHeader] = []string{shape.id}
		b.Run(shape.name, func(b *testing.B) {
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}
