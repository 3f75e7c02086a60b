package problem

import (
	"errors"
	"net/http"
	"strconv"
)

// FromError returns the problem err carries (found with errors.As), or a
// problem for the few standard errors with an obvious status. Any other
// error becomes a 500 whose cause is err: logged, never shown. FromError(nil)
// is nil.
func FromError(err error) *Problem {
	if err == nil {
		return nil
	}
	if p, ok := errors.AsType[*Problem](err); ok && p != nil {
		return p
	}
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return ContentTooLarge("The request body is larger than " +
			strconv.FormatInt(mbe.Limit, 10) + " bytes.").WithCause(err)
	}
	return InternalServerError("").WithCause(err)
}

// HandlerFunc is a handler that returns its failure instead of writing it.
// ServeHTTP renders a returned error through Write, so application code can
// `return problem.NotFound("...")` or return any error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP calls f and writes its error, if any, as a problem.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		Write(w, r, FromError(err))
	}
}
