package middleware

import (
	"bufio"
	"bytes"
	"errors"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chiguard/chiguard/internal/contentenc"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/problem"
)

// maxForeignDetail bounds the text of a foreign 4xx body kept as the
// problem's detail; a longer text is dropped, not cut.
const maxForeignDetail = 256

// TranslateErrors turns error responses written by code that does not know
// chiguard into problems of the same status, written through the shared
// problem writer: chi's Throttle, AllowContentType, Timeout, BasicAuth and
// default 404/405, httprate, and http.Error in old handlers.
//
// A response is translated when its status is 4xx or 5xx and its
// Content-Type is absent or text/* (what http.Error and chi write). Other
// error responses, such as JSON bodies and problems, pass unchanged. The
// headers the foreign code set (WWW-Authenticate, Retry-After, Allow,
// rate limit headers) are kept. A short plain-text 4xx body becomes the
// problem's detail; a 5xx body, which may hold internals, becomes the
// problem's cause instead: logged and alerted, never shown.
//
// Successful responses are never buffered: the decision is made when the
// status is written, and only an error's body is held, up to a few hundred
// bytes. Put TranslateErrors early, right after RequestID, so it sees what
// every later middleware and the router write.
func TranslateErrors(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &translateWriter{ResponseWriter: w}
		enc := contentenc.Save(w.Header())
		next.ServeHTTP(tw, r)
		if tw.translating {
			ct := tw.Header().Get("Content-Type")
			enc.Restore(w.Header()) // the foreign body's encoding, not the problem's
			problem.Write(w, r, foreignProblem(tw.status, ct, tw.body.Bytes()))
		}
	}), describeTranslate)
}

// translateWriter holds back foreign error responses.
type translateWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	translating bool
	body        bytes.Buffer
}

func (tw *translateWriter) WriteHeader(code int) {
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		tw.ResponseWriter.WriteHeader(code)
		return
	}
	if tw.wroteHeader {
		if !tw.translating {
			tw.ResponseWriter.WriteHeader(code) // superfluous: let net/http say so
		}
		return
	}
	if code >= 400 && foreignContentType(tw.Header().Get("Content-Type")) {
		tw.wroteHeader, tw.status, tw.translating = true, code, true
		return
	}
	// Recorded once the writer below took it: net/http panics on a code
	// outside 100-999, which then never went out, for Recoverer to answer.
	tw.ResponseWriter.WriteHeader(code)
	tw.wroteHeader, tw.status = true, code
}

func (tw *translateWriter) Write(b []byte) (int, error) {
	if !tw.wroteHeader {
		tw.WriteHeader(http.StatusOK)
	}
	if tw.translating {
		if n := maxForeignDetail + 1 - tw.body.Len(); n > 0 {
			tw.body.Write(b[:min(n, len(b))])
		}
		return len(b), nil
	}
	return tw.ResponseWriter.Write(b)
}

// Flush is a no-op for a held-back error, whose problem is written when
// the handler returns.
func (tw *translateWriter) Flush() { _ = tw.FlushError() }

// FlushError is Flush for http.ResponseController: it reports a writer
// below that cannot flush.
func (tw *translateWriter) FlushError() error {
	if !tw.wroteHeader {
		tw.WriteHeader(http.StatusOK)
	}
	if tw.translating {
		return nil
	}
	return http.NewResponseController(tw.ResponseWriter).Flush()
}

// Status is the status of the answer so far, for the problem writer's
// check that a response has not started. A foreign error held back is
// decided too: TranslateErrors sends it, translated, and a problem written
// after it would only be swallowed here (net/http keeps the first status
// as well). So the writer logs such a problem as not sent, and does not
// write it in place of the held answer: that could not replace what a
// compressing wrapper after TranslateErrors has already encoded.
func (tw *translateWriter) Status() int {
	return tw.status
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (tw *translateWriter) Unwrap() http.ResponseWriter { return tw.ResponseWriter }

// Hijack hands the connection over, for the WebSocket libraries that look
// for http.Hijacker rather than use http.ResponseController; it fails with
// http.ErrNotSupported when the writer below cannot. Nothing is translated
// after it, and the response counts as started (as a 101), so that the
// problem writer writes nothing on a connection the handler owns.
func (tw *translateWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(tw.ResponseWriter).Hijack()
	if err == nil {
		tw.wroteHeader, tw.translating = true, false
		if tw.status == 0 {
			tw.status = http.StatusSwitchingProtocols // started: nothing is written on it
		}
	}
	return conn, rw, err
}

// Push pushes through the writer below (see push).
func (tw *translateWriter) Push(target string, opts *http.PushOptions) error {
	return push(tw.ResponseWriter, target, opts)
}

// foreignContentType reports the content types of error bodies written by
// code that does not know chiguard: none, or text.
func foreignContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && strings.HasPrefix(mt, "text/")
}

// foreignProblem builds the problem standing for a foreign error response.
func foreignProblem(status int, contentType string, body []byte) *problem.Problem {
	p := problem.New(status, "")
	text := strings.TrimSpace(string(body))
	if text == "" {
		return p
	}
	if status >= 500 {
		return p.WithCause(errors.New(text))
	}
	if len(text) <= maxForeignDetail && utf8.ValidString(text) && isPlain(contentType) &&
		!strings.ContainsFunc(text, func(r rune) bool { return r < ' ' }) && !restatesStatus(status, text) {
		return p.WithDetail(text)
	}
	return p
}

// restatesStatus reports texts such as "404 page not found" or "Method Not
// Allowed", which say nothing the problem's title does not.
func restatesStatus(status int, text string) bool {
	text = strings.TrimSpace(strings.TrimPrefix(text, strconv.Itoa(status)))
	return strings.EqualFold(text, http.StatusText(status)) || strings.EqualFold(text, "page not found")
}

func isPlain(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "text/plain"
}
