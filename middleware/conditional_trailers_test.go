package middleware_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/middleware"
)

// Trailers come after the body: a handler sets their values once it has
// written it. Conditional, which holds the body back to hash it, must not
// turn them into header fields (sent before the body, and again as
// trailers over HTTP/2), nor frame the body with a Content-Length, which
// leaves HTTP/1.1 no room to send them.
func TestConditionalKeepsAHandlersTrailersTrailers(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"declared in Trailer": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "X-Checksum")
			w.Write([]byte(`{"id":1}`))
			w.Header().Set("X-Checksum", "c1")
		},
		"set with http.TrailerPrefix": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"id":1}`))
			w.Header().Set(http.TrailerPrefix+"X-Checksum", "c1")
		},
	}
	for name, h := range handlers {
		for _, http2 := range []bool{false, true} {
			proto := "HTTP/1.1"
			if http2 {
				proto = "HTTP/2"
			}
			t.Run(name+" over "+proto, func(t *testing.T) {
				srv := httptest.NewUnstartedServer(middleware.Conditional(h))
				srv.EnableHTTP2 = http2
				srv.StartTLS()
				t.Cleanup(srv.Close)
				resp, err := srv.Client().Get(srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || string(body) != `{"id":1}` {
					t.Fatalf("body %q (%v)", body, err)
				}
				if got := resp.Trailer.Get("X-Checksum"); got != "c1" {
					t.Errorf("trailer X-Checksum %q, want c1 (header: %v)", got, resp.Header)
				}
				if got := resp.Header.Get("X-Checksum"); got != "" {
					t.Errorf("header field X-Checksum: %q, want it only as a trailer", got)
				}
			})
		}
	}
}
