package middleware

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// pushingRecorder stands for an HTTP/2 server's writer, which pushes.
type pushingRecorder struct {
	*httptest.ResponseRecorder
	pushed []string
}

func (p *pushingRecorder) Push(target string, _ *http.PushOptions) error {
	p.pushed = append(p.pushed, target)
	return nil
}

// Handlers push by asserting http.Pusher on the writer: the middlewares
// that wrap it keep that working over HTTP/2, and say ErrNotSupported, as
// net/http's own writers do, where the writer below cannot push.
func TestWrappersPushThroughTheWriterBelow(t *testing.T) {
	push := func(want error) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := w.(http.Pusher)
			if !ok {
				t.Error("the writer is no http.Pusher")
				return
			}
			if err := p.Push("/style.css", nil); !errors.Is(err, want) {
				t.Errorf("Push: %v, want %v", err, want)
			}
			w.Write([]byte("page"))
		})
	}
	for name, wrap := range map[string]func(http.Handler) http.Handler{
		"Conditional":     Conditional,
		"TranslateErrors": TranslateErrors,
		"both":            func(h http.Handler) http.Handler { return TranslateErrors(Conditional(h)) },
	} {
		t.Run(name, func(t *testing.T) {
			w := &pushingRecorder{ResponseRecorder: httptest.NewRecorder()}
			r := httptest.NewRequest("GET", "/", nil)
			r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/2.0", 2, 0
			wrap(push(nil)).ServeHTTP(w, r)
			if len(w.pushed) != 1 || w.pushed[0] != "/style.css" || w.Body.String() != "page" {
				t.Errorf("pushed %q, body %q", w.pushed, w.Body)
			}
			wrap(push(http.ErrNotSupported)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		})
	}
}
