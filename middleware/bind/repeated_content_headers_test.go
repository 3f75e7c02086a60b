package bind

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A body's Content-Type and Content-Encoding are judged by every field line
// the request carries, not by the first: two lines mean what one line with
// both values does (RFC 9110 §5.3), so a JSON type followed by another, or
// identity followed by gzip, is a 415 as it is on one line. Taking the
// first would decode a body that a proxy reading the last sees otherwise.
func TestRepeatedContentHeadersAreJudgedWhole(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		status  int
	}{
		{"one JSON type", []string{"Content-Type: application/json"}, http.StatusOK},
		{"JSON then text on two lines", []string{"Content-Type: application/json", "Content-Type: text/plain"}, http.StatusUnsupportedMediaType},
		{"JSON then text on one line", []string{"Content-Type: application/json, text/plain"}, http.StatusUnsupportedMediaType},
		{"JSON twice on two lines", []string{"Content-Type: application/json", "Content-Type: application/json"}, http.StatusUnsupportedMediaType},
		{"identity", []string{"Content-Type: application/json", "Content-Encoding: identity"}, http.StatusOK},
		{"identity then gzip on two lines", []string{"Content-Type: application/json", "Content-Encoding: identity", "Content-Encoding: gzip"}, http.StatusUnsupportedMediaType},
		{"identity then gzip on one line", []string{"Content-Type: application/json", "Content-Encoding: identity, gzip"}, http.StatusUnsupportedMediaType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testkit.Request("POST", "/", `{"name":"n"}`, tt.headers...)
			var v semCloud
			err := DecodeJSON(httptest.NewRecorder(), r, &v)
			got := http.StatusOK
			if p := problemOf(err); p != nil {
				got = p.Status
			} else if err != nil {
				t.Fatalf("error %v is not a problem", err)
			}
			if got != tt.status {
				t.Errorf("status %d, want %d", got, tt.status)
			}
		})
	}
}
