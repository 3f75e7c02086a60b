package problem_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// FuzzWrite feeds arbitrary strings to every member the writer renders and
// checks that the body is JSON escaped exactly as encoding/json escapes it,
// decodes to the same values, and that no header is split.
func FuzzWrite(f *testing.F) {
	f.Add("Cloud 42 does not exist.", "Not Found", "trace-1", "host/abc-000001", "Bearer")
	f.Add("<script>&\u2028\u2029", "\x00\x1f\x7f", "\xff\xfe", "a b:c?d#e%", "x\r\nSet-Cookie: a=b")
	f.Add("\"\\/\b\f\n\r\t", "é漢字🙂", "\xed\xa0\x80", "\n", "\x00")
	f.Add("", "", "", "", "")
	f.Add("", "", "", "//evil.example/phish", "")
	f.Add("", "", "", "..", "")
	f.Fuzz(func(t *testing.T, detail, title, ext, requestID, header string) {
		pw := &problem.Writer{RequestID: func(*http.Request) string { return requestID }}
		p := (&problem.Problem{Status: 422, Title: title, Detail: detail}).
			With("traceId", ext).
			WithErrors(problem.BodyError(detail, ext)).
			WithHeader("WWW-Authenticate", header)
		w := httptest.NewRecorder()
		pw.Write(w, httptest.NewRequest("GET", "/", nil), p)

		body := w.Body.Bytes()
		var got struct {
			Title, Detail, Instance string
			Status                  int
			TraceID                 string `json:"traceId"`
			Errors                  []problem.FieldError
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("body is not JSON: %v\n%q", err, body)
		}
		for _, s := range []string{title, detail, ext} {
			want, _ := json.Marshal(s)
			if s != "" && !bytes.Contains(body, want) {
				t.Fatalf("%q is not escaped as encoding/json escapes it (%s) in %s", s, want, body)
			}
		}
		if got.Status != 422 || got.Detail != roundTrip(detail) || got.TraceID != roundTrip(ext) ||
			len(got.Errors) != 1 || got.Errors[0].Detail != roundTrip(detail) {
			t.Fatalf("decoded %+v", got)
		}
		if title != "" && got.Title != roundTrip(title) {
			t.Fatalf("title %q, want %q", got.Title, roundTrip(title))
		}
		if requestID != "" && requestID != "." && requestID != ".." {
			u, err := url.Parse(got.Instance)
			if err != nil {
				t.Fatalf("instance %q is not a URI reference: %v", got.Instance, err)
			}
			if u.Scheme != "" || u.Host != "" || strings.ContainsAny(got.Instance, "/?#") {
				t.Fatalf("instance %q is not one relative path segment", got.Instance)
			}
			if back, err := url.PathUnescape(got.Instance); err != nil || back != requestID {
				t.Fatalf("instance %q does not unescape to the request ID %q", got.Instance, requestID)
			}
		} else if got.Instance != "" {
			t.Fatalf("request ID %q gave instance %q", requestID, got.Instance)
		}
		for k, vs := range w.Header() {
			for _, v := range vs {
				if strings.ContainsAny(v, "\r\n\x00") {
					t.Fatalf("header %s has CR/LF/NUL: %q", k, v)
				}
			}
		}
	})
}

// roundTrip is what a JSON client reads back for s.
func roundTrip(s string) string {
	b, _ := json.Marshal(s)
	var out string
	json.Unmarshal(b, &out)
	return out
}
