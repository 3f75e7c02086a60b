package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// GetOverHTTP1And2 sends a GET with header to h over HTTP/1.1 and over
// HTTP/2, each on a TLS test server of its own, and hands each response,
// its body read to the end, to check.
func GetOverHTTP1And2(t *testing.T, h http.Handler, header http.Header, check func(t *testing.T, resp *http.Response, body []byte)) {
	t.Helper()
	for _, http2 := range []bool{false, true} {
		name := "HTTP/1.1"
		if http2 {
			name = "HTTP/2"
		}
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(h)
			srv.EnableHTTP2 = http2
			srv.StartTLS()
			t.Cleanup(srv.Close)
			req, err := http.NewRequest(http.MethodGet, srv.URL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if header != nil {
				req.Header = header.Clone()
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			check(t, resp, body)
		})
	}
}
