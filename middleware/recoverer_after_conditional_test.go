package middleware

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
)

// A panic after a partial body that Conditional still holds back is
// answered with the 500 that takes the body's place, as a returned error
// is: nothing had gone out, so there is no response to abort.
func TestPanicAfterHeldBackBodyIsAnsweredNotAborted(t *testing.T) {
	r := chi.NewRouter()
	r.Use(Conditional, Recoverer)
	r.Get("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"rows":[1,2,`))
		panic("database connection lost")
	})
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != nil {
				t.Errorf("Recoverer re-panicked with %v after writing the 500 below the recorder", v)
			}
		}()
		r.ServeHTTP(rec, httptest.NewRequest("GET", "/report", nil))
	}()
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, Content-Type %q, body %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}
