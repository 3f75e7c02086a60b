// Package conceal lets package middleware recognise auth.Conceal in a
// route's middleware list, so that the router's 405 does not reveal a
// concealed route, without middleware importing auth (which would link a
// JWT library into every program that uses only the general middlewares).
package conceal

import (
	"net/http"
	"reflect"
	"sync/atomic"
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
