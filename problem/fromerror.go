package problem

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/chiguard/chiguard/internal/contentenc"
	"github.com/chiguard/chiguard/internal/reqstate"
)

// FromError returns the problem err carries (found with errors.As), or a
// problem for the few standard errors with an obvious status: a canceled
// context is a deliberate 500 (the client left; not alerted), an expired
// deadline a 503, *http.MaxBytesError a 413. Any other error becomes a 500
// whose cause is err: logged, never shown. FromError(nil) is nil.
func FromError(err error) *Problem {
	if err == nil {
		return nil
	}
	if p, ok := errors.AsType[*Problem](err); ok && p != nil {
		return p
	}
	if errors.Is(err, context.Canceled) {
		// The client went away: nobody reads this answer, and it is no fault
		// to page anyone about.
		return InternalServerError("The request was canceled.").WithCause(err).Deliberate()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return ServiceUnavailable("The request took too long; retry later.").WithCause(err)
	}
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return ContentTooLarge("The request body is larger than " +
			strconv.FormatInt(mbe.Limit, 10) + " bytes.").WithCause(err)
	}
	return InternalServerError("").WithCause(err)
}

// HandlerFunc adapts a handler that returns its failure instead of writing
// it, so application code can `return problem.NotFound("...")` or return any
// error: the error is rendered through Write (see FromError). If f had
// already started the response, the error is logged instead of written over
// it. The result is an http.HandlerFunc, so it fits chi's r.Get and friends:
//
//	r.Get("/cloud/{id}", problem.HandlerFunc(getCloud))
func HandlerFunc(f func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, tracked, _ := reqstate.StatusOf(w); !tracked {
			// Let Write see whether f started the response, or took the
			// connection over; the recorder keeps the Flusher, Hijacker
			// and ReaderFrom of w.
			w = reqstate.Wrap(w, r)
		}
		enc := contentenc.Save(w.Header())
		if err := f(w, r); err != nil {
			if started, _, _ := reqstate.StatusOf(w); !started {
				enc.Restore(w.Header()) // f's Content-Encoding was for a body it did not send
			}
			Write(w, r, FromError(err))
		}
	}
}
