package middleware

import (
	"bufio"
	"bytes"
	"net/http"
	"testing"

	"github.com/elnormous/contenttype"

	"github.com/chiguard/chiguard/internal/accept"
	"github.com/chiguard/chiguard/internal/accept/accepttest"
	"github.com/chiguard/chiguard/internal/testkit"
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
// offers. "refuse/middleware" is the 406 path, problem writer included.
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
		chosen = NegotiatedTypeFrom(r.Context())
	}))
	b.Run("refuse/middleware", func(b *testing.B) {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept", "image/png, text/html;q=0.5")
		w := &statusWriter{benchWriter: benchWriter{h: http.Header{}}}
		b.ReportAllocs()
		for b.Loop() {
			clear(w.h)
			h.ServeHTTP(w, r)
		}
		if w.status != http.StatusNotAcceptable {
			b.Fatalf("status %d", w.status)
		}
	})
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

// BenchmarkHostileAccept serves requests with 1 MB Accept headers of each
// shape of package accepttest through Negotiate, all but the malformed
// shape refused with a 406 by the problem writer. Each op reads the
// request from its wire bytes, as a server would; "ignored" sends the same
// bytes under another field name, with a short Accept the offers refuse
// too. A shape should cost at most three times its ignored twin.
func BenchmarkHostileAccept(b *testing.B) {
	h := Negotiate("application/json", "text/csv")(testkit.OK)
	for _, s := range accepttest.Shapes {
		want := http.StatusNotAcceptable
		if s.Malformed {
			want = http.StatusOK
		}
		lines := s.Header(1 << 20)
		for _, field := range []string{"Accept", "X-Ignored"} {
			raw := rawRequest(field, lines)
			name := s.Name + "/accept"
			if field != "Accept" {
				name, want = s.Name+"/ignored", http.StatusNotAcceptable
			}
			b.Run(name, func(b *testing.B) { serveWire(b, h, raw, want) })
		}
	}
}

// rawRequest is a GET with lines as field lines named field, and, unless
// that is Accept, an Accept the offers of BenchmarkHostileAccept refuse.
func rawRequest(field string, lines []string) []byte {
	var b bytes.Buffer
	b.WriteString("GET / HTTP/1.1\r\nHost: example.com\r\n")
	if field != "Accept" {
		b.WriteString("Accept: image/png\r\n")
	}
	for _, l := range lines {
		b.WriteString(field + ": " + l + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// serveWire serves raw, a request's wire bytes, through h per op, read as
// a server would read it, and fails b unless the last answer is want.
func serveWire(b *testing.B, h http.Handler, raw []byte, want int) {
	w := &statusWriter{benchWriter: benchWriter{h: http.Header{}}}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	stop := testkit.ReportCPU(b)
	for b.Loop() {
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			b.Fatal(err)
		}
		clear(w.h)
		w.status = 0
		h.ServeHTTP(w, r)
	}
	stop()
	if w.status != want {
		b.Fatalf("status %d, want %d", w.status, want)
	}
}

// statusWriter is a benchWriter that keeps the last status.
type statusWriter struct {
	benchWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}
