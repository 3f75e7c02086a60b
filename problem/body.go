package problem

import (
	"io"
	"net/http"
	"sync/atomic"
)

// watchedBody wraps a request body so that the writer can tell whether the
// handler read it to the end. It is also the context value that selects
// the writer, so a request with a body pays one allocation for both.
type watchedBody struct {
	io.ReadCloser
	pw     *Writer
	done   atomic.Bool // EOF seen, or closed: net/http will not drain it
	failed atomic.Pointer[error]
}

// Read passes errors through unchanged: callers test them with errors.As
// (for *http.MaxBytesError) and errors.Is.
func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.done.Store(true)
	case err != nil && b.failed.Load() == nil:
		b.failed.CompareAndSwap(nil, &err)
	}
	return n, err
}

// ReadError returns the first error other than io.EOF that reading the
// body returned, or nil: middleware.ProxyErrorHandler tells a client that
// stopped sending its body from an upstream that failed by it.
func (b *watchedBody) ReadError() error {
	if e := b.failed.Load(); e != nil {
		return *e
	}
	return nil
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
