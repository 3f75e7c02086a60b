package middleware

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chiguard/chiguard/internal/contentenc"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// DefaultConditionalMaxBytes is the largest body Conditional buffers to hash
// into an ETag.
const DefaultConditionalMaxBytes = 256 << 10

// Conditional answers conditional GET and HEAD requests (RFC 9110 §13) for
// the handlers after it. It is ConditionalMaxBytes(DefaultConditionalMaxBytes).
func Conditional(next http.Handler) http.Handler {
	return ConditionalMaxBytes(DefaultConditionalMaxBytes)(next)
}

// ConditionalMaxBytes returns a middleware that gives 200 responses to GET and
// HEAD a strong ETag, the hash of the body, and evaluates the request's
// preconditions against the response's validators: If-Match and
// If-Unmodified-Since (a failure is a 412 problem), If-None-Match (weak
// comparison, lists over several field lines, "*") and If-Modified-Since
// (a match is a 304).
//
// A handler's own ETag or Last-Modified wins: the response is then judged
// when its status is written and streamed, never buffered. Otherwise the
// body is buffered up to maxBytes bytes to be hashed; a larger body, a
// handler that flushes, and one that declares trailers (whose values it
// sets after the body, which the header would then carry) are streamed
// without an ETag. A HEAD handler that writes no body gets no generated
// ETag, since it would not be the GET's.
//
// A 304 keeps ETag, Vary, Cache-Control, Content-Location, Expires, Date
// and the headers that are not about the representation, and drops the
// body, Content-Type, Content-Length, Content-Encoding, Content-Language,
// Content-Range, Transfer-Encoding, and Last-Modified when there is an
// ETag. Other Content-* fields, such as Content-Security-Policy, stay: a
// cache updates its stored response with them. Non-2xx responses pass
// unchanged: an error is never turned into a 304.
//
// Other methods pass through: only the handler knows the state a PUT or a
// DELETE is about to change. It calls CheckPreconditions before changing it.
//
// Put Conditional after anything that rewrites the body, such as chi's
// Compress, so each encoding gets its own tag; and note that chi's NoCache
// deletes If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since
// and If-Range from requests, which turns every request after it into an
// unconditional one.
func ConditionalMaxBytes(maxBytes int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			cw := &conditionalWriter{ResponseWriter: w, r: r, limit: maxBytes, enc: contentenc.Save(w.Header())}
			defer cw.release()
			next.ServeHTTP(cw, r)
			cw.finish()
		}), describeConditional)
	}
}

// CheckPreconditions evaluates the request's preconditions (RFC 9110
// §13.2.2) against the current state of the target resource, given by its
// entity-tag (a quoted value such as `"v42"`, or W/"v42"; "" if none) and
// its modification time (zero if unknown). Pass "" and a zero time when
// the resource does not exist. A handler calls it before it reads or
// changes anything, typically for PUT, PATCH and DELETE, which Conditional
// leaves to it.
//
// It returns true when the request may proceed. Otherwise it has answered:
// 304 Not Modified for a GET or HEAD whose If-None-Match or
// If-Modified-Since matched, or a 412 problem (an If-Match that does not
// match, a resource modified after If-Unmodified-Since, or an If-None-Match
// that matches on another method).
func CheckPreconditions(w http.ResponseWriter, r *http.Request, etag string, lastModified time.Time) bool {
	exists := etag != "" || !lastModified.IsZero()
	switch evaluatePreconditions(r, etag, lastModified, exists) {
	case http.StatusNotModified:
		h := w.Header()
		if etag != "" && responseETag(h) == "" {
			h.Set("Etag", etag)
		}
		if !lastModified.IsZero() && h.Get("Last-Modified") == "" {
			h.Set("Last-Modified", lastModified.UTC().Format(http.TimeFormat))
		}
		writeNotModified(w)
		return false
	case http.StatusPreconditionFailed:
		problem.Write(w, r, preconditionFailed)
		return false
	}
	return true
}

var preconditionFailed = problem.PreconditionFailed("")

// evaluatePreconditions follows RFC 9110 §13.2.2 and returns 0 to proceed,
// 304 or 412. If-Range is left to the handler serving ranges.
func evaluatePreconditions(r *http.Request, etag string, lastModified time.Time, exists bool) int {
	current, _ := parseETag(etag)
	safe := r.Method == http.MethodGet || r.Method == http.MethodHead
	lastModified = lastModified.Truncate(time.Second)
	if im := r.Header["If-Match"]; hasListValue(im) {
		if !matchIfMatch(im, current, exists) {
			return http.StatusPreconditionFailed
		}
	} else if t, ok := headerTime(r.Header["If-Unmodified-Since"]); ok && !lastModified.IsZero() {
		if lastModified.After(t) {
			return http.StatusPreconditionFailed
		}
	}
	if inm := r.Header["If-None-Match"]; hasListValue(inm) {
		if matchIfNoneMatch(inm, current, exists) {
			if safe {
				return http.StatusNotModified
			}
			return http.StatusPreconditionFailed
		}
	} else if t, ok := headerTime(r.Header["If-Modified-Since"]); ok && safe && !lastModified.IsZero() {
		if !lastModified.After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// headerTime parses a date header with a single field line, as RFC 9110
// §13.1.3-4 require; anything else is ignored.
func headerTime(lines []string) (time.Time, bool) {
	if len(lines) != 1 {
		return time.Time{}, false
	}
	t, err := http.ParseTime(lines[0])
	return t, err == nil
}

// responseETag returns the ETag a handler set, also under the spelling
// "ETag", which a direct map assignment keeps and Header.Get misses: a
// validator overlooked there would be judged as absent and get a second,
// generated ETag field beside it.
func responseETag(h http.Header) string {
	if v := h["Etag"]; len(v) > 0 {
		return v[0]
	}
	//lint:ignore SA1008 the spelling a map assignment keeps is the one looked for
	if v := h["ETag"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// writeNotModified sends a 304 with the headers RFC 9110 §15.4.5 keeps.
func writeNotModified(w http.ResponseWriter) {
	h := w.Header()
	for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding",
		"Content-Language", "Content-Range", "Transfer-Encoding"} {
		delete(h, k)
	}
	if responseETag(h) != "" {
		delete(h, "Last-Modified")
	}
	w.WriteHeader(http.StatusNotModified)
}

// conditionalWriter holds back a 200 without validators until its body is
// hashed, and judges any other 2xx as its status is written.
type conditionalWriter struct {
	http.ResponseWriter
	r      *http.Request
	limit  int
	status int // written by the handler; 0 before
	state  conditionalState
	buf    *[]byte
	enc    contentenc.Saved // Content-Encoding before the handler ran
}

type conditionalState uint8

const (
	condUndecided conditionalState = iota
	condBuffering
	condPassing    // the handler's response goes out as written
	condDiscarding // a 304 or 412 was sent in its place
	condHijacked   // the handler took the connection over
)

func (cw *conditionalWriter) WriteHeader(code int) {
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		cw.ResponseWriter.WriteHeader(code)
		return
	}
	if cw.state == condBuffering {
		if code < 400 || code > 999 {
			// Superfluous, as net/http takes it (a code it refuses too:
			// after a first status it never checks): the body held back,
			// and what follows, go out with the first status.
			return
		}
		// Nothing went out, as Status says: the problem writer, which
		// asks it, answers in place of the body held back, and so does a
		// handler that changes its mind for an error.
		cw.release()
		cw.state = condUndecided
	}
	if cw.state != condUndecided {
		if cw.state == condPassing {
			cw.ResponseWriter.WriteHeader(code) // superfluous: let net/http say so
		}
		return
	}
	cw.status = code
	h := cw.Header()
	switch {
	case code < 200 || code > 299:
		cw.pass()
	case responseETag(h) != "" || h.Get("Last-Modified") != "":
		lm, _ := http.ParseTime(h.Get("Last-Modified"))
		cw.judge(responseETag(h), lm)
	case code == http.StatusOK && h["Trailer"] == nil:
		cw.state = condBuffering
		cw.buf = conditionalBuffers.Get().(*[]byte)
	default:
		cw.pass()
	}
}

func (cw *conditionalWriter) Write(b []byte) (int, error) {
	if cw.state == condUndecided {
		cw.WriteHeader(http.StatusOK)
	}
	switch cw.state {
	case condBuffering:
		if len(*cw.buf)+len(b) <= cw.limit {
			*cw.buf = append(*cw.buf, b...)
			return len(b), nil
		}
		if err := cw.stream(); err != nil {
			return 0, err
		}
	case condDiscarding:
		return len(b), nil
	case condHijacked:
		return 0, http.ErrHijacked
	}
	return cw.ResponseWriter.Write(b)
}

// Flush gives up buffering: a handler that flushes is streaming.
func (cw *conditionalWriter) Flush() { _ = cw.FlushError() }

// FlushError is Flush for http.ResponseController: it reports a writer
// below that cannot flush.
func (cw *conditionalWriter) FlushError() error {
	if cw.state == condUndecided {
		cw.WriteHeader(http.StatusOK)
	}
	switch cw.state {
	case condBuffering:
		if err := cw.stream(); err != nil {
			return err
		}
	case condDiscarding:
		return nil
	case condHijacked:
		return http.ErrHijacked
	}
	return http.NewResponseController(cw.ResponseWriter).Flush()
}

// Status is the status sent to the client so far, 0 while held back, for
// the problem writer's check that a response has not started: the
// handler's, the 304 or 412 sent in its place, or 101 after a hijack.
func (cw *conditionalWriter) Status() int {
	switch cw.state {
	case condPassing, condDiscarding:
		return cw.status
	case condHijacked:
		return http.StatusSwitchingProtocols
	}
	return 0
}

// HoldsAnswer tells the problem writer that a status a wrapper after
// Conditional recorded has not gone out: the body is buffered, and a
// problem written here takes its place (see WriteHeader).
func (cw *conditionalWriter) HoldsAnswer() bool { return cw.state == condBuffering }

// Unwrap lets http.ResponseController reach the underlying writer.
func (cw *conditionalWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// Hijack hands the connection over, as translateWriter's does; nothing
// held back is sent after it.
func (cw *conditionalWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(cw.ResponseWriter).Hijack()
	if err == nil {
		cw.release()
		cw.state = condHijacked
	}
	return conn, rw, err
}

// Push pushes through the writer below (see push).
func (cw *conditionalWriter) Push(target string, opts *http.PushOptions) error {
	return push(cw.ResponseWriter, target, opts)
}

// pass sends the handler's status. The response passes only once the
// writer below took it: net/http panics on a code outside 100-999, which
// then never went out, and Recoverer after Conditional must still answer.
func (cw *conditionalWriter) pass() {
	cw.ResponseWriter.WriteHeader(cw.status)
	cw.state = condPassing
}

// stream sends what was buffered and passes the rest through, untagged.
func (cw *conditionalWriter) stream() error {
	cw.pass()
	_, err := cw.ResponseWriter.Write(*cw.buf)
	cw.release()
	return err
}

// judge evaluates the preconditions against the response's validators and
// sends the 304 or 412 they call for, or lets the response through.
func (cw *conditionalWriter) judge(etag string, lastModified time.Time) {
	switch evaluatePreconditions(cw.r, etag, lastModified, true) {
	case http.StatusNotModified:
		cw.state, cw.status = condDiscarding, http.StatusNotModified
		cw.enc.Restore(cw.Header()) // no trailer follows a 304: only those declared before the handler stay
		writeNotModified(cw.ResponseWriter)
	case http.StatusPreconditionFailed:
		cw.state, cw.status = condDiscarding, http.StatusPreconditionFailed
		cw.enc.Restore(cw.Header()) // the refused representation's encoding, not the problem's
		problem.Write(cw.ResponseWriter, cw.r, preconditionFailed)
	default:
		cw.pass()
	}
}

// finish tags and judges a buffered response once the handler is done.
func (cw *conditionalWriter) finish() {
	if cw.state == condDiscarding {
		// The trailers the handler set for the body it wrote are not the
		// 304's or the 412's: net/http would send them after those.
		contentenc.DropTrailers(cw.ResponseWriter.Header())
		return
	}
	if cw.state == condUndecided {
		if cw.r.Context().Err() != nil {
			// The handler gave up: the answer is the one of whatever
			// ended the request, such as chi's Timeout and its 504.
			return
		}
		// Nothing written: net/http would send an empty 200, which is
		// judged as one written with no body. (A hijack is decided.)
		cw.WriteHeader(http.StatusOK)
	}
	if cw.state != condBuffering {
		return
	}
	body := *cw.buf
	if cw.r.Method == http.MethodHead && len(body) == 0 {
		cw.pass()
		cw.release()
		return
	}
	sum := sha256.Sum256(body)
	var tag [2 + 22]byte
	tag[0] = '"'
	base64.RawURLEncoding.Encode(tag[1:23], sum[:16])
	tag[23] = '"'
	h := cw.Header()
	h.Set("Etag", string(tag[:]))
	if h.Get("Content-Length") == "" && !hasTrailerPrefix(h) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	cw.judge(string(tag[:]), time.Time{})
	if cw.state == condPassing {
		_, _ = cw.ResponseWriter.Write(body)
	}
	cw.release()
}

// hasTrailerPrefix reports trailers set with http.TrailerPrefix. HTTP/1.1
// sends trailers only after a chunked body: a Content-Length would drop
// them.
func hasTrailerPrefix(h http.Header) bool {
	for k := range h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			return true
		}
	}
	return false
}

func (cw *conditionalWriter) release() {
	if cw.buf == nil {
		return
	}
	if cap(*cw.buf) <= DefaultConditionalMaxBytes {
		*cw.buf = (*cw.buf)[:0]
		conditionalBuffers.Put(cw.buf)
	}
	cw.buf = nil
}

var conditionalBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
