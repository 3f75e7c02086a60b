package problem_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// A handler that set Content-Encoding for the body it meant to send, then
// returned an error, gets a problem that is not labelled with it.
func TestReviewHandlerFuncDropsTheHandlersEncoding(t *testing.T) {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Encoding", "gzip")
		return errors.New("the archive could not be opened")
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if ce := rec.Header().Get("Content-Encoding"); rec.Code != 500 || ce != "" {
		t.Fatalf("status %d, problem %q sent with Content-Encoding %q", rec.Code, rec.Body.String(), ce)
	}
}
