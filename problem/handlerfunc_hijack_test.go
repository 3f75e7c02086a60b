package problem_test

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// hijackable is a ResponseRecorder that can be hijacked and counts what is
// written after it was.
type hijackable struct {
	*httptest.ResponseRecorder
	hijacked, writesAfter int
}

func (h *hijackable) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h.hijacked++
	return nil, nil, nil
}

func (h *hijackable) WriteHeader(code int) {
	if h.hijacked > 0 {
		h.writesAfter++
	}
	h.ResponseRecorder.WriteHeader(code)
}

func (h *hijackable) Write(b []byte) (int, error) {
	if h.hijacked > 0 {
		h.writesAfter++
	}
	return h.ResponseRecorder.Write(b)
}

// A handler that took the connection over (a WebSocket upgrade) and then
// returned an error owns the connection: HandlerFunc writes no problem on
// it, with the writer's Handler before it or without.
func TestHandlerFuncWritesNothingAfterAHijack(t *testing.T) {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if _, _, err := http.NewResponseController(w).Hijack(); err != nil {
			t.Errorf("Hijack: %v", err)
		}
		return errors.New("after the upgrade")
	})
	for name, handler := range map[string]http.Handler{
		"with the writer's Handler": (&problem.Writer{}).Handler(h),
		"alone":                     h,
	} {
		t.Run(name, func(t *testing.T) {
			w := &hijackable{ResponseRecorder: httptest.NewRecorder()}
			handler.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.hijacked != 1 || w.writesAfter != 0 {
				t.Errorf("hijacked %d times, %d writes on the hijacked connection", w.hijacked, w.writesAfter)
			}
		})
	}
}
