package testkit

import (
	"bufio"
	"net"
	"net/http/httptest"
)

// Hijackable is a recorder whose connection can be taken over, and which
// counts what is written to it after that: nothing may be.
type Hijackable struct {
	*httptest.ResponseRecorder
	Hijacked, WritesAfter int
}

// NewHijackable returns a Hijackable over a new recorder.
func NewHijackable() *Hijackable { return &Hijackable{ResponseRecorder: httptest.NewRecorder()} }

// Hijack counts the takeover; the connection it returns is nil.
func (h *Hijackable) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.Hijacked++
	return nil, nil, nil
}

// WriteHeader counts a write after a hijack.
func (h *Hijackable) WriteHeader(code int) {
	if h.Hijacked > 0 {
		h.WritesAfter++
	}
	h.ResponseRecorder.WriteHeader(code)
}

// Write counts a write after a hijack.
func (h *Hijackable) Write(b []byte) (int, error) {
	if h.Hijacked > 0 {
		h.WritesAfter++
	}
	return h.ResponseRecorder.Write(b)
}
