package problem_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

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
			w := testkit.NewHijackable()
			handler.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Hijacked != 1 || w.WritesAfter != 0 {
				t.Errorf("hijacked %d times, %d writes on the hijacked connection", w.Hijacked, w.WritesAfter)
			}
		})
	}
}
