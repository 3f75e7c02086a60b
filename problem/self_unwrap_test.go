package problem_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// selfUnwrapping is a faulty wrapper whose Unwrap returns itself.
type selfUnwrapping struct{ http.ResponseWriter }

func (s *selfUnwrapping) Unwrap() http.ResponseWriter { return s }

// A writer whose Unwrap returns itself is a bug of its own, but the
// problem writer's walks down the chain (for a started response, and to
// close a connection whose body is unread) must still end, and the
// problem go out.
func TestWriteEndsOnAWriterThatUnwrapsToItself(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 1<<10)))
	problem.Write(&selfUnwrapping{rec}, r, problem.Unauthorized(""))
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}
