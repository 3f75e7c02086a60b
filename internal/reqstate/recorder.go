package reqstate

import (
	"bufio"
	"io"
	"net"
	"net/http"
)

// Recorder is a ResponseWriter that remembers whether the response
// started: the memory for middleware.Recoverer's wrapper, so that
// wrapping costs no allocation of its own. Like chi's WrapResponseWriter,
// the writer it hands out has exactly the optional interfaces (Flusher,
// Hijacker, ReaderFrom, Pusher) of the one it wraps.
type Recorder struct {
	http.ResponseWriter
	status int
}

// StatusWriter is a ResponseWriter that reports its status, 0 before the
// response started, as chi's WrapResponseWriter does.
type StatusWriter interface {
	http.ResponseWriter
	Status() int
}

// Wrap returns w wrapped to record whether the response started: in the
// memory of the request's state when it has one whose recorder is free,
// else in a recorder of its own. Unlike chi's WrapResponseWriter, the
// recorder sees a hijack, after which nothing may be written.
func Wrap(w http.ResponseWriter, r *http.Request) StatusWriter {
	if s := From(r.Context()); s != nil {
		if ww, ok := s.Recorder(w, r.ProtoMajor); ok {
			return ww
		}
	}
	ww, _ := New(r.Context()).Recorder(w, r.ProtoMajor)
	return ww
}

// Recorder claims the state's recorder for w; false if another holds it.
// The variants are one-pointer structs: held in an interface they cost no
// allocation.
func (s *State) Recorder(w http.ResponseWriter, protoMajor int) (StatusWriter, bool) {
	if !s.claim(recorder) {
		return nil, false
	}
	rec := &s.rec
	rec.ResponseWriter = w
	_, fl := w.(http.Flusher)
	if protoMajor == 2 {
		if _, ps := w.(http.Pusher); fl && ps {
			return pushRecorder{rec}, true
		}
	} else {
		_, hj := w.(http.Hijacker)
		_, rf := w.(io.ReaderFrom)
		switch {
		case fl && hj && rf:
			return fullRecorder{rec}, true
		case fl && hj:
			return flushHijackRecorder{rec}, true
		case hj:
			return hijackRecorder{rec}, true
		}
	}
	if fl {
		return flushRecorder{rec}, true
	}
	return rec, true
}

// Status returns the status written, 0 before the response started.
func (r *Recorder) Status() int { return r.status }

// Unwrap is for http.ResponseController. It hands over the writer below
// seen through the recorder (see below), so that a flush or a hijack that
// the controller reaches past a variant without Flush or Hijack, through
// a wrapper below that has only Unwrap, still starts the response.
func (r *Recorder) Unwrap() http.ResponseWriter { return below{r} }

// below is the writer under a Recorder, as its Unwrap returns it. It has
// FlushError and Hijack, which http.ResponseController finds only by
// walking Unwrap, never by a handler's type assertion on the recorder, and
// which fail as the controller would where nothing below can flush or
// hijack.
type below struct{ r *Recorder }

func (b below) Header() http.Header         { return b.r.ResponseWriter.Header() }
func (b below) Write(p []byte) (int, error) { return b.r.Write(p) }
func (b below) WriteHeader(code int)        { b.r.WriteHeader(code) }
func (b below) Unwrap() http.ResponseWriter { return b.r.ResponseWriter }

// HoldsAnswer is the writer below's, for the problem writer, which asks
// the writer right below one that recorded a status whether it held that
// status back (as Conditional's does while it buffers a body): this view
// stands between the two.
func (b below) HoldsAnswer() bool { return holdsAnswer(b.r.ResponseWriter) }
func (b below) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return b.r.handedOver(http.NewResponseController(b.r.ResponseWriter).Hijack())
}

func (b below) FlushError() error {
	err := http.NewResponseController(b.r.ResponseWriter).Flush()
	if err == nil {
		b.r.started()
	}
	return err
}

// WriteHeader records the first final status; 1xx but 101 are interim.
// It records once the writer below took the status: net/http panics on a
// code outside 100-999, which then never went out, and Recoverer must
// still answer the panic.
func (r *Recorder) WriteHeader(code int) {
	r.ResponseWriter.WriteHeader(code)
	if r.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		r.status = code
	}
}

func (r *Recorder) Write(b []byte) (int, error) {
	r.started()
	return r.ResponseWriter.Write(b)
}

func (r *Recorder) started() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
}

func (r *Recorder) flush() {
	r.started()
	r.ResponseWriter.(http.Flusher).Flush()
}

// hijack hands the connection over; once it is, the response counts as
// started (as a 101), so that nothing writes a status on a connection the
// handler owns.
func (r *Recorder) hijack() (net.Conn, *bufio.ReadWriter, error) {
	return r.handedOver(r.ResponseWriter.(http.Hijacker).Hijack())
}

// handedOver passes a hijack's results on, and records a successful one.
func (r *Recorder) handedOver(conn net.Conn, rw *bufio.ReadWriter, err error) (net.Conn, *bufio.ReadWriter, error) {
	if err == nil && r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

type flushRecorder struct{ *Recorder }

func (r flushRecorder) Flush() { r.flush() }

type hijackRecorder struct{ *Recorder }

func (r hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) { return r.hijack() }

type flushHijackRecorder struct{ *Recorder }

func (r flushHijackRecorder) Flush() { r.flush() }
func (r flushHijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return r.hijack()
}

type fullRecorder struct{ *Recorder }

func (r fullRecorder) Flush() { r.flush() }
func (r fullRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return r.hijack()
}
func (r fullRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.started()
	return r.ResponseWriter.(io.ReaderFrom).ReadFrom(src)
}

type pushRecorder struct{ *Recorder }

func (r pushRecorder) Flush() { r.flush() }
func (r pushRecorder) Push(target string, opts *http.PushOptions) error {
	return r.ResponseWriter.(http.Pusher).Push(target, opts)
}
