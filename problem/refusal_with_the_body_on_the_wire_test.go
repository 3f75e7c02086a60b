package problem_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/rawhttp"
	"github.com/chiguard/chiguard/problem"
)

// unwrapping is a wrapper of the kind middlewares put between the server
// and the writer: it hides the server's own ResponseWriter but unwraps.
type unwrapping struct{ http.ResponseWriter }

func (u unwrapping) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// A refusal sent while the client's body is still arriving, with the
// connection's own buffers holding bytes nobody read, must end in a FIN
// after the answer: a server that closes the socket at once resets the
// connection, and the client's kernel may drop the answer unread (Go's
// client then reports "connection reset by peer" instead of the 401).
// net/http half-closes and waits only when it knows the body was cut
// short, as when http.MaxBytesReader hits its limit.
func TestRefusalWithTheBodyOnTheWireEndsInAFINNotAReset(t *testing.T) {
	pw := &problem.Writer{}
	const size = 100 << 10 // under the 256 KiB net/http would drain itself
	body := strings.Repeat("x", size)
	tests := []struct {
		name    string
		wrap    func(http.Handler) http.Handler
		request string
	}{
		{"writer middleware", pw.Handler,
			"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n" + body},
		{"default writer", func(h http.Handler) http.Handler { return h },
			"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n" + body},
		{"below a wrapper", func(h http.Handler) http.Handler {
			return pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(unwrapping{w}, r)
			}))
		}, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n" + body},
		{"chunked body", pw.Handler,
			"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + strconv.FormatInt(size, 16) + "\r\n" + body + "\r\n"},
		{"body sent without waiting for 100-continue", pw.Handler,
			"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n" + body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := make(chan struct{})
			srv := httptest.NewServer(tt.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				<-sent // the body is on the wire, unread
				problem.Write(w, r, problem.Unauthorized(""))
			})))
			t.Cleanup(srv.Close)
			c := rawhttp.Dial(t, srv.Listener.Addr().String(), answerTimeout)
			c.Send(tt.request)
			close(sent)
			resp, _ := c.Response()
			if resp.StatusCode != http.StatusUnauthorized || !resp.Close {
				t.Fatalf("status %d, Connection %q; want 401, close", resp.StatusCode, resp.Header.Get("Connection"))
			}
			if clean, err := c.ClosedCleanly(); !clean {
				t.Errorf("after the answer: %v, want EOF: the server reset the connection", err)
			}
		})
	}
}
