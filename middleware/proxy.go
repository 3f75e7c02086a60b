package middleware

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/chiguard/chiguard/internal/reqstate"
	"github.com/chiguard/chiguard/problem"
)

// ProxyErrorHandler is an ErrorHandler for httputil.ReverseProxy, for APIs
// that front other services: it answers 504 when the upstream timed out
// and 502 for any other failure to get an answer, with the error as the
// problem's cause (logged and alerted, never shown).
//
// A request body cut by http.MaxBytesReader is the client's 413. Behind
// the problem writer's Handler, which watches the body, one that stopped
// arriving until the server's ReadTimeout is the client's 400 (over HTTP/1
// too, where net/http cancels the request's context for it), unless the
// proxy spent that time waiting on an upstream that did not take the
// body: then it is the upstream's 504.
//
// When the client itself went away, nobody is left to answer and it is not
// the upstream's failure: it writes nothing, so no 5xx is logged or
// alerted.
//
//	proxy := &httputil.ReverseProxy{Rewrite: ..., ErrorHandler: middleware.ProxyErrorHandler}
func ProxyErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	berr, waited := bodyReadError(r)
	fromBody := berr != nil && errors.Is(err, berr)
	canceled := errors.Is(r.Context().Err(), context.Canceled)
	if berr != nil && isTimeout(berr) && (fromBody || canceled) {
		// The server's ReadTimeout passed while the body was sent on. Over
		// HTTP/1 net/http cancels the request's context for it (and the
		// transport may report that instead), but the client is still
		// there, and an empty 200 would tell it that its body went through.
		if waited {
			// The proxy waited on the client, which stopped sending: its
			// fault, not an upstream timeout that any client could alert at
			// will by stalling.
			problem.Write(w, r, brokenBody.WithCause(err))
		} else {
			// The proxy waited on an upstream that did not take the body.
			problem.Write(w, r, problem.GatewayTimeout("The service behind this API did not answer in time.").WithCause(err))
		}
		return
	}
	if canceled {
		return
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		// The client's body, cut by http.MaxBytesReader while the proxy
		// sent it on, is the client's fault: a 413, not an upstream 502
		// that any client could have alerted at will.
		problem.Write(w, r, problem.FromError(err))
		return
	}
	if fromBody {
		// The client's body broke off (over HTTP/2, shorter than its
		// Content-Length): its fault.
		problem.Write(w, r, brokenBody.WithCause(err))
		return
	}
	p := problem.BadGateway("The service behind this API did not answer.")
	if isTimeout(err) {
		p = problem.GatewayTimeout("The service behind this API did not answer in time.")
	}
	problem.Write(w, r, p.WithCause(upstreamError{err}))
}

// upstreamError is the cause of a 502 or 504, the transport's error as
// is, but for its alert key: that leaves out the local address of the
// connection ("read tcp 10.0.0.1:54321->..."), which differs from one
// pooled connection to the next, so that an upstream's crash is one alert
// rather than the whole alert budget.
type upstreamError struct{ error }

func (e upstreamError) Unwrap() error { return e.error }

// AlertKey implements problem.AlertKeyer.
func (e upstreamError) AlertKey() string {
	text := e.Error()
	if oe, ok := errors.AsType[*net.OpError](e.error); ok && oe.Source != nil {
		local := *oe
		local.Source = nil
		return strings.Replace(text, oe.Error(), local.Error(), 1)
	}
	return text
}

// brokenBody is the client's 400 for a request body that did not arrive.
var brokenBody = problem.BadRequest("The request body did not arrive in full.")

// bodyWatch is what the problem writer's Handler keeps of a request
// body: the first error reading it returned, and whether the reader had
// spent most of its time waiting on it by then.
type bodyWatch interface {
	ReadError() error
	WaitedForBody() bool
}

// bodyReadError returns the error reading r's body returned, as the
// problem writer's Handler saw it, or nil; and whether the reader was
// mostly waiting on the client until then.
func bodyReadError(r *http.Request) (berr error, waited bool) {
	if b, ok := reqstate.Lookup(r.Context(), reqstate.Writer).(bodyWatch); ok {
		return b.ReadError(), b.WaitedForBody()
	}
	return nil, false
}

// isTimeout reports errors that mean the upstream was too slow: a deadline
// of the request's context (such as chi's Timeout middleware sets), or a
// network timeout (dial, TLS handshake, response header timeout).
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
