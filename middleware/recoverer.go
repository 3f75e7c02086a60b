package middleware

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/chiguard/chiguard/internal/contentenc"
	"github.com/chiguard/chiguard/internal/describe"
	"github.com/chiguard/chiguard/internal/reqstate"
	"github.com/chiguard/chiguard/problem"
)

// PanicError is the cause of the 500 problem Recoverer writes for a panic.
// Find it with errors.As in an alert hook or a log handler.
type PanicError struct {
	// Value is what the handler passed to panic.
	Value any
	// Stack is the goroutine's stack at the time of the panic.
	Stack []byte
}

// Error returns "panic: " and the panic value. The stack is left out, so
// that alerts for the same panic compare equal and are deduplicated.
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v", e.Value)
}

// AlertKey identifies the panic by the type of its value and the function
// and line that panicked, so that the problem writer folds the alerts of
// one bug into one, whatever values (an index, an ID) each panic carried.
func (e *PanicError) AlertKey() string {
	return fmt.Sprintf("%T at %s", e.Value, panicSite(e.Stack))
}

// panicSite returns the function and file:line of the frame that called
// panic: the first frame after the last "panic(" line of a debug.Stack
// trace that is not in package runtime (runtime.goPanicIndex and the like).
func panicSite(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	start := 1 // after "goroutine N [running]:"
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			start = i + 2
		}
	}
	for i := start; i+1 < len(lines); i += 2 {
		fn, file := lines[i], strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(fn, "runtime.") {
			continue
		}
		if j := strings.LastIndexByte(fn, '('); j > 0 && strings.HasSuffix(fn, ")") {
			fn = fn[:j] // the arguments
		}
		if j := strings.LastIndex(file, " +0x"); j >= 0 {
			file = file[:j]
		}
		return fn + " " + file
	}
	return ""
}

// Unwrap returns the panic value when it is an error, so errors.Is sees
// through a panic(err).
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// LogValue makes slog log the stack along with the panic value, in the one
// record the problem writer logs for the 500.
func (e *PanicError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("panic", fmt.Sprint(e.Value)),
		slog.String("stack", string(e.Stack)),
	)
}

// Recoverer turns a panic in the handlers after it into a 500 problem with
// no internals in the body. The problem's cause is a *PanicError, so the
// problem writer logs the panic and its stack with the request ID and calls
// its alert hook, which folds repeated alerts and never blocks the response.
//
// A panic with http.ErrAbortHandler is re-raised untouched: it is how a
// handler asks net/http to abort the response. If the response had already
// started, no second status line is written: the writer logs the panic,
// and Recoverer then aborts the response with http.ErrAbortHandler so the
// client sees a broken response rather than a truncated one that looks
// complete.
//
// Put Recoverer right after the problem writer's Handler, so that panics
// are answered and alerted through that writer (contract.Check says so
// when it is not). When RequestID runs after it, Recoverer finds the
// request ID in the X-Request-Id response header RequestID set.
func Recoverer(next http.Handler) http.Handler {
	return describe.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := reqstate.Wrap(w, r)
		enc := contentenc.Save(w.Header())
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { // net/http compares it the same way
				panic(v)
			}
			if chimw.GetReqID(r.Context()) == "" {
				if id := ww.Header().Get(RequestIDHeader); id != "" {
					r = r.WithContext(context.WithValue(r.Context(), chimw.RequestIDKey, id))
				}
			}
			// The problem writer's own walk: a status recorded above a
			// writer that holds it back (Conditional's, buffering) has
			// not gone out, and the 500 takes its place.
			started, _, _ := reqstate.StatusOf(ww)
			if !started {
				enc.Restore(ww.Header()) // the handler's encoding was for a body that never came
			}
			problem.Write(ww, r, problem.InternalServerError("").
				WithCause(&PanicError{Value: v, Stack: debug.Stack()}))
			if started {
				panic(http.ErrAbortHandler)
			}
		}()
		next.ServeHTTP(ww, r)
	}), describeRecoverer)
}
