package middleware

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// noFlush is a ResponseWriter that cannot flush, as some wrappers of
// other libraries are.
type noFlush struct{ rec *httptest.ResponseRecorder }

func (w noFlush) Header() http.Header         { return w.rec.Header() }
func (w noFlush) Write(b []byte) (int, error) { return w.rec.Write(b) }
func (w noFlush) WriteHeader(code int)        { w.rec.WriteHeader(code) }

// A handler that streams asks http.ResponseController to flush, and
// learns from its error that the writer cannot. Conditional's and
// TranslateErrors' writers must pass that error on, not report a flush
// that never happened.
func TestFlushThroughWrappersReportsAWriterThatCannot(t *testing.T) {
	for name, mw := range map[string]func(http.Handler) http.Handler{
		"Conditional":     Conditional,
		"TranslateErrors": TranslateErrors,
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("event: 1\n\n"))
				err = http.NewResponseController(w).Flush()
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(noFlush{rec}, testkit.Request("GET", "/", ""))
			if !errors.Is(err, http.ErrNotSupported) {
				t.Errorf("Flush through %s over a writer that cannot flush: %v, want http.ErrNotSupported", name, err)
			}
			if rec.Code != http.StatusOK || rec.Body.String() != "event: 1\n\n" {
				t.Errorf("status %d, body %q", rec.Code, rec.Body)
			}
			// Over a writer that can, the flush succeeds.
			rec = httptest.NewRecorder()
			h.ServeHTTP(rec, testkit.Request("GET", "/", ""))
			if err != nil || !rec.Flushed {
				t.Errorf("Flush through %s: %v, flushed %v", name, err, rec.Flushed)
			}
		})
	}
}
