// Package conceal lets package middleware recognise auth.Conceal in a
// route's middleware list, and a request that auth.Conceal let in, so that
// the router's 404 and 405 do not reveal a concealed route, without
// middleware importing auth (which would link a JWT library into every
// program that uses only the general middlewares).
package conceal

import (
	"context"
	"net/http"
	"reflect"
	"sync/atomic"

	"github.com/chiguard/chiguard/problem"
)

// mark is the code address of auth.Conceal, set by auth's init. Zero until
// then: a program that does not link auth has no concealed routes.
var mark atomic.Uintptr

// Mark records mw as the concealing middleware. Package auth calls it once,
// with Conceal, a plain function: its address identifies it.
func Mark(mw func(http.Handler) http.Handler) {
	mark.Store(reflect.ValueOf(mw).Pointer())
}

// In reports whether mws holds the concealing middleware.
func In(mws []func(http.Handler) http.Handler) bool {
	m := mark.Load()
	if m == 0 {
		return false
	}
	for _, mw := range mws {
		if mw != nil && reflect.ValueOf(mw).Pointer() == m {
			return true
		}
	}
	return false
}

// Hiding is what auth.Conceal records for a request: the response header
// as the middlewares before it left it, which is what the 404 of an
// unknown path carries.
type Hiding struct{ header http.Header }

type hidingKey struct{}

// With returns ctx marked as concealed, header being the response header
// as it is when Conceal runs; With keeps a copy. A ctx marked already
// stays as it is: under two Conceals, as a concealed route in a subrouter
// mounted as auth.Conceal(sub), the outer one's header is the root 404's,
// and the inner one's holds what ran between them (a limiter's RateLimit
// fields).
func With(ctx context.Context, header http.Header) context.Context {
	if From(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, hidingKey{}, &Hiding{header: header.Clone()})
}

// From returns what Conceal recorded for the request of ctx, or nil if it
// did not run.
func From(ctx context.Context) *Hiding {
	h, _ := ctx.Value(hidingKey{}).(*Hiding)
	return h
}

// Restore makes w's header what it was when Conceal ran, taking back what
// the middlewares after it set (RateLimit fields, Vary).
func (h *Hiding) Restore(w http.ResponseWriter) {
	hdr := w.Header()
	for k := range hdr {
		if _, kept := h.header[k]; !kept {
			delete(hdr, k)
		}
	}
	for k, v := range h.header {
		hdr[k] = v
	}
}

// NotFound answers r as a path no route serves, the one 404 that
// middleware.NotFound, auth.Conceal and ratelimit's throttle under it
// write, so a client cannot tell a hidden resource from a missing one: a
// bare problem.NotFound, and under Conceal the header as Conceal found it.
func NotFound(w http.ResponseWriter, r *http.Request) {
	if h := From(r.Context()); h != nil {
		h.Restore(w)
	}
	problem.Write(w, r, notFound)
}

var notFound = problem.NotFound("")
