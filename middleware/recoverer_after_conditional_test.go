package middleware

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/chiguard/chiguard/problem"
)

// A Recoverer after Conditional records the status of a body Conditional
// still holds back: the handler's error that follows is the answer, not
// the truncated body tagged as a 200, as below any other status-recording
// wrapper.
func TestHeldBackBodyBehindRecovererGivesWayToTheProblem(t *testing.T) {
	r := chi.NewRouter()
	r.Use(Conditional, Recoverer)
	r.Get("/report", problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"rows":[1,2,`))
		return errors.New("database connection lost")
	}))
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/report", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Etag") != "" {
		t.Fatalf("status %d, ETag %q, body %q: the truncated body went out as a tagged 200",
			rec.Code, rec.Header().Get("Etag"), rec.Body.String())
	}
}
