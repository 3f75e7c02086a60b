package middleware

import (
	"net/http"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A handler that assigns w.Header()["ETag"] directly keeps that spelling,
// which Header.Get does not find. Conditional must still take it as the
// response's validator: judge requests against it and add no second one.
func TestConditionalSeesETagSetWithoutCanonicalKey(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["ETag"] = []string{`"v1"`}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":1}`))
	})
	for _, tc := range []struct {
		name, inm, im string
		want          int
	}{
		{name: "no precondition", want: http.StatusOK},
		{name: "If-None-Match matches", inm: `"v1"`, want: http.StatusNotModified},
		{name: "If-None-Match differs", inm: `"v2"`, want: http.StatusOK},
		{name: "If-Match differs", im: `"v2"`, want: http.StatusPreconditionFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := testkit.Request("GET", "/", "")
			if tc.inm != "" {
				req.Header.Set("If-None-Match", tc.inm)
			}
			if tc.im != "" {
				req.Header.Set("If-Match", tc.im)
			}
			rec := testkit.Serve(Conditional(h), req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			if got := rec.Header()["Etag"]; got != nil {
				t.Errorf("a generated Etag %q was added beside the handler's ETag", got)
			}
			if tc.want == http.StatusOK && rec.Body.String() != `{"id":1}` {
				t.Errorf("body %q", rec.Body)
			}
		})
	}
}

// CheckPreconditions adds the resource's tag to a 304 only when the
// handler has not set one, under either spelling.
func TestCheckPreconditionsKeepsETagSetWithoutCanonicalKey(t *testing.T) {
	req := testkit.Request("GET", "/", "")
	req.Header.Set("If-None-Match", `"v1"`)
	rec := testkit.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["ETag"] = []string{`"v1"`}
		w.Header().Set("Last-Modified", time.Unix(0, 0).UTC().Format(http.TimeFormat))
		CheckPreconditions(w, r, `"v1"`, time.Time{})
	}), req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("status %d, want 304", rec.Code)
	}
	if got := rec.Header()["Etag"]; got != nil {
		t.Errorf("a second ETag field %q was added", got)
	}
	if got := rec.Header().Get("Last-Modified"); got != "" {
		t.Errorf("Last-Modified %q kept beside an ETag on a 304", got)
	}
}
