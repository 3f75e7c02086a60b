// Package rawhttp is an HTTP/1.1 test client that writes requests byte for
// byte, so that tests can send what net/http's client never would: a body
// shorter than its Content-Length, and then silence.
package rawhttp

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// Conn is a connection to a test server. Every read and write on it fails
// once the deadline given to Dial has passed, so a test that waits for an
// answer that never comes fails in bounded time instead of hanging.
type Conn struct {
	tb testing.TB
	c  net.Conn
	r  *bufio.Reader
}

// Dial connects to addr (host:port) with a deadline of timeout from now,
// and closes the connection when the test ends.
func Dial(tb testing.TB, addr string, timeout time.Duration) *Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		tb.Fatal(err)
	}
	return &Conn{tb: tb, c: c, r: bufio.NewReader(c)}
}

// Send writes raw as is.
func (c *Conn) Send(raw string) {
	c.tb.Helper()
	if _, err := io.WriteString(c.c, raw); err != nil {
		c.tb.Fatalf("rawhttp: send: %v", err)
	}
}

// Response reads the next response and its whole body.
func (c *Conn) Response() (*http.Response, []byte) {
	c.tb.Helper()
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		c.tb.Fatalf("rawhttp: no response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.tb.Fatalf("rawhttp: response body: %v", err)
	}
	return resp, body
}

// Closed reports whether the server closed the connection: the next read
// ends with EOF (or a reset) before the deadline. A server that still waits
// for the rest of a request body keeps it open until the deadline.
func (c *Conn) Closed() bool {
	c.tb.Helper()
	_, err := c.r.ReadByte()
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}

// ClosedCleanly reports whether the server ended the connection with a FIN
// (the next read ends with io.EOF) rather than a reset. A server that
// closes a socket with request bytes still unread in it resets the
// connection, and the client's kernel may then discard an answer the
// client has not read yet.
func (c *Conn) ClosedCleanly() (bool, error) {
	c.tb.Helper()
	_, err := c.r.ReadByte()
	return err == io.EOF, err
}
