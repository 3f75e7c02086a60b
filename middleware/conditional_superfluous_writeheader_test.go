package middleware_test

import (
	"net/http"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/middleware"
)

// A second WriteHeader with a success status is superfluous: net/http
// ignores it and sends the body written before it and after. Conditional,
// which holds the body back to hash it, must not take it for a new answer
// and drop what was written first, then tag what is left.
func TestConditionalKeepsTheBodyAcrossASuperfluousWriteHeader(t *testing.T) {
	for _, code := range []int{http.StatusOK, http.StatusCreated, http.StatusFound} {
		h := middleware.Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv")
			w.Write([]byte("id,name\n"))
			w.WriteHeader(code) // a helper that writes the status again
			w.Write([]byte("1,prod\n"))
		}))
		plain := testkit.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("id,name\n1,prod\n"))
		}), testkit.Request("GET", "/clouds.csv", ""))
		rec := testkit.Serve(h, testkit.Request("GET", "/clouds.csv", ""))
		if rec.Code != http.StatusOK || rec.Body.String() != "id,name\n1,prod\n" {
			t.Errorf("WriteHeader(%d) after the first line: status %d, body %q", code, rec.Code, rec.Body)
		}
		tagged := testkit.Serve(middleware.Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(plain.Body.Bytes())
		})), testkit.Request("GET", "/clouds.csv", ""))
		if got, want := rec.Header().Get("Etag"), tagged.Header().Get("Etag"); got != want {
			t.Errorf("WriteHeader(%d): ETag %q, want %q, the whole body's", code, got, want)
		}
	}
}
