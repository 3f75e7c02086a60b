package problem

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/chiguard/chiguard/internal/reqstate"
)

// watchedBody wraps a request body so that the writer can tell whether the
// handler read it to the end. It is also the context value that selects
// the writer, so a request with a body pays one allocation for both.
type watchedBody struct {
	io.ReadCloser
	pw     *Writer
	done   atomic.Bool // EOF seen, or closed: net/http will not drain it
	failed atomic.Pointer[bodyFailure]
	since  time.Time    // when Handler began to watch the body
	waited atomic.Int64 // nanoseconds spent in the body's Read
}

// bodyFailure is the first error reading the body returned, and whether
// the reader had by then spent at least half the time since Handler
// started waiting in Read, for the client, rather than elsewhere.
type bodyFailure struct {
	err     error
	waiting bool
}

// Read passes errors through unchanged: callers test them with errors.As
// (for *http.MaxBytesError) and errors.Is.
func (b *watchedBody) Read(p []byte) (int, error) {
	// Real time, not the writer's clock: the wait is weighed against the
	// server's ReadTimeout, whose deadline runs on it.
	start := time.Now()
	n, err := b.ReadCloser.Read(p)
	end := time.Now()
	waited := time.Duration(b.waited.Add(int64(end.Sub(start))))
	switch {
	case err == io.EOF:
		b.done.Store(true)
	case err != nil && b.failed.Load() == nil:
		b.failed.CompareAndSwap(nil, &bodyFailure{err: err, waiting: 2*waited >= end.Sub(b.since)})
	}
	return n, err
}

// ReadError returns the first error other than io.EOF that reading the
// body returned, or nil: middleware.ProxyErrorHandler tells a client that
// stopped sending its body from an upstream that failed by it.
func (b *watchedBody) ReadError() error {
	if f := b.failed.Load(); f != nil {
		return f.err
	}
	return nil
}

// WaitedForBody reports whether, when reading the body first failed, the
// reader had spent at least half the time since Handler started waiting
// in Read. A deadline (the server's ReadTimeout) that passes while a proxy
// waits on the client is the client's; one that passes while the proxy
// waits on an upstream that does not take the body is the upstream's.
func (b *watchedBody) WaitedForBody() bool {
	f := b.failed.Load()
	return f != nil && f.waiting
}

func (b *watchedBody) Close() error {
	b.done.Store(true)
	return b.ReadCloser.Close()
}

// hasBody reports whether r came with a body; -1, an unknown length, is
// how the server marks a chunked one.
func hasBody(r *http.Request) bool {
	return r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody
}

// bodyUnread reports whether answering r would make an HTTP/1 server read
// what is left of the request body before sending the answer: net/http
// drains an unread body when the response header goes out, which hangs a
// refusal behind a client that stalls. Without Writer.Handler there is
// no telling whether the body was read, so any body counts as unread.
// HTTP/2 does not drain, and there "Connection: close" would end every
// stream of the connection.
func bodyUnread(r *http.Request) bool {
	if r.ProtoMajor >= 2 {
		return false
	}
	switch v := writerValue(r.Context()).(type) {
	case *watchedBody:
		return !v.done.Load()
	case *Writer:
		return false // the middleware saw no body
	}
	return hasBody(r)
}

// cutBodyShort tells an HTTP/1 server that the request body was cut short,
// as http.MaxBytesReader does when its limit is hit: the server then
// half-closes the connection after the answer and waits a moment before
// closing it. Otherwise, with the rest of the body unread (the drain ends
// at the read deadline the writer set), it closes the socket at once, the
// kernel resets the connection for the bytes left in it, and the client
// may lose the answer. MaxBytesReader tells only the writer it is given,
// so each writer of w's Unwrap chain gets one, over a byte past a limit
// of zero; it reads nothing of the body.
func cutBodyShort(w http.ResponseWriter) {
	var b [1]byte
	for w := range reqstate.Chain(w) {
		_, _ = http.MaxBytesReader(w, oneByte{}, 0).Read(b[:])
	}
}

// endReads sets the connection's read deadline to t, as
// http.ResponseController's SetReadDeadline does, but with its walk down
// w's Unwrap chain bounded (see reqstate.Chain).
func endReads(w http.ResponseWriter, t time.Time) {
	for w := range reqstate.Chain(w) {
		if d, ok := w.(interface{ SetReadDeadline(time.Time) error }); ok {
			_ = d.SetReadDeadline(t)
			return
		}
	}
}

// oneByte is an endless body of one-byte reads.
type oneByte struct{}

func (oneByte) Read(p []byte) (int, error) { p[0] = 0; return 1, nil }
func (oneByte) Close() error               { return nil }
