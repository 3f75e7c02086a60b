package accept

import (
	"net/http"
	"testing"

	"github.com/elnormous/contenttype"
)

// BenchmarkNegotiate compares Negotiate with contenttype on the same
// headers and offers.
func BenchmarkNegotiate(b *testing.B) {
	headers := []struct{ name, accept string }{
		{"json", "application/json"},
		{"any", "*/*"},
		{"curl", curl},
		{"chromium", chromium},
	}
	ours := offers("application/json", "application/problem+json")
	theirs := []contenttype.MediaType{
		contenttype.NewMediaType("application/json"),
		contenttype.NewMediaType("application/problem+json"),
	}
	for _, h := range headers {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept", h.accept)
		b.Run("chiguard/"+h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if Negotiate(r.Header["Accept"], ours) < 0 {
					b.Fatal("no match")
				}
			}
		})
		b.Run("contenttype/"+h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := contenttype.GetAcceptableMediaType(r, theirs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
