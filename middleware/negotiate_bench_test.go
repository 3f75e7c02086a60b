package middleware

import (
	"net/http"
	"testing"

	"github.com/elnormous/contenttype"

	"github.com/chiguard/chiguard/internal/accept"
)

// benchWriter is a ResponseWriter that keeps nothing but its header map,
// so the benchmark measures the middleware, not a recorder.
type benchWriter struct{ h http.Header }

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(int)             {}

// BenchmarkNegotiate measures, for each Accept header, three things side by
// side: "choose" is the negotiation itself (parse the header, pick an
// offer), the part with the 250 ns / 0 allocation target; "middleware" is a
// whole pass through Negotiate (Vary, negotiation, and storing the choice
// in the request context, which costs a context value and a request copy);
// "contenttype" is github.com/elnormous/contenttype choosing among the same
// offers.
func BenchmarkNegotiate(b *testing.B) {
	headers := []struct{ name, accept string }{
		{"json", "application/json"},
		{"any", "*/*"},
		{"curl", "*/*"}, // curl's default
		{"chromium", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
	}
	offers := []string{"application/json", "text/csv"}
	parsed := []accept.MediaType{accept.MustParseMediaType(offers[0]), accept.MustParseMediaType(offers[1])}
	theirs := []contenttype.MediaType{contenttype.NewMediaType(offers[0]), contenttype.NewMediaType(offers[1])}
	var chosen string
	h := Negotiate(offers...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chosen = NegotiatedType(r.Context())
	}))
	for _, hd := range headers {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept", hd.accept)
		b.Run(hd.name+"/choose", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if accept.Negotiate(r.Header["Accept"], parsed) != 0 {
					b.Fatal("wrong choice")
				}
			}
		})
		b.Run(hd.name+"/middleware", func(b *testing.B) {
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				delete(w.h, "Vary")
				h.ServeHTTP(w, r)
			}
			if chosen != "application/json" {
				b.Fatalf("chose %q", chosen)
			}
		})
		b.Run(hd.name+"/contenttype", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if mt, _, err := contenttype.GetAcceptableMediaType(r, theirs); err != nil || mt.Subtype != "json" {
					b.Fatal(err)
				}
			}
		})
	}
}
