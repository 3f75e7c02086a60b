package middleware

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// semResource is a handler whose response the conditional tests revalidate.
func semResource(body string, headers ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "max-age=60")
		h.Set("Vary", "Accept")
		h.Set("Content-Location", "/cloud/1")
		h.Set("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")
		h.Set("Date", "Mon, 01 Jan 2024 00:00:00 GMT")
		h.Set("Content-Encoding", "identity")
		for _, kv := range headers {
			k, v, _ := strings.Cut(kv, ": ")
			h.Set(k, v)
		}
		w.Write([]byte(body))
	})
}

func etagOf(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := testkit.Serve(Conditional(h), testkit.Request("GET", "/", ""))
	tag := rec.Header().Get("Etag")
	if rec.Code != http.StatusOK || tag == "" {
		t.Fatalf("status %d, ETag %q", rec.Code, tag)
	}
	return tag
}

func TestConditionalGeneratesStrongETag(t *testing.T) {
	a := etagOf(t, semResource(`{"id":1}`))
	if b := etagOf(t, semResource(`{"id":1}`)); a != b {
		t.Errorf("same body, different tags %q, %q", a, b)
	}
	if c := etagOf(t, semResource(`{"id":2}`)); a == c {
		t.Errorf("different bodies, same tag %q", a)
	}
	if _, ok := parseETag(a); !ok || strings.HasPrefix(a, "W/") {
		t.Errorf("tag %q is not a strong entity-tag", a)
	}
	rec := testkit.Serve(Conditional(semResource(`{"id":1}`)), testkit.Request("GET", "/", ""))
	if rec.Body.String() != `{"id":1}` || rec.Header().Get("Content-Length") != "8" {
		t.Errorf("body %q, Content-Length %q", rec.Body, rec.Header().Get("Content-Length"))
	}
}

func TestConditionalNotModified(t *testing.T) {
	res := semResource(`{"id":1}`)
	tag := etagOf(t, res)
	for _, tt := range []struct {
		name  string
		lines []string
	}{
		{"exact", []string{tag}},
		{"weak form", []string{"W/" + tag}},
		{"in a list", []string{`"old", ` + tag}},
		{"on a second field line", []string{`"old"`, tag}},
		{"star", []string{"*"}},
		{"garbage around", []string{`junk, ` + tag + `, "x`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, method := range []string{"GET", "HEAD"} {
				r := testkit.Request(method, "/", "")
				r.Header["If-None-Match"] = tt.lines
				rec := testkit.Serve(Conditional(res), r)
				if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
					t.Fatalf("%s: status %d, body %q", method, rec.Code, rec.Body)
				}
				h := rec.Header()
				for _, k := range []string{"Etag", "Vary", "Cache-Control", "Content-Location", "Expires", "Date"} {
					if h.Get(k) == "" {
						t.Errorf("%s: 304 lost %s", method, k)
					}
				}
				for _, k := range []string{"Content-Type", "Content-Length", "Content-Encoding"} {
					if h.Get(k) != "" {
						t.Errorf("%s: 304 kept %s: %q", method, k, h.Get(k))
					}
				}
			}
		})
	}
}

func TestConditionalModified(t *testing.T) {
	res := semResource(`{"id":1}`)
	for _, inm := range []string{`"other"`, `garbage`, ``, ` , `} {
		rec := testkit.Serve(Conditional(res), testkit.Request("GET", "/", "", "If-None-Match: "+inm))
		if rec.Code != http.StatusOK || rec.Body.String() != `{"id":1}` {
			t.Errorf("If-None-Match %q: status %d, body %q", inm, rec.Code, rec.Body)
		}
	}
}

func TestConditionalNeverTurnsErrorsInto304(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusInternalServerError, http.StatusMovedPermanently} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Etag", `"v1"`)
			w.WriteHeader(status)
			w.Write([]byte("body"))
		})
		rec := testkit.Serve(Conditional(h), testkit.Request("GET", "/", "", `If-None-Match: "v1"`))
		if rec.Code != status || rec.Body.String() != "body" {
			t.Errorf("%d became %d %q", status, rec.Code, rec.Body)
		}
	}
}

func TestConditionalHandlerValidatorsWin(t *testing.T) {
	lm := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	own := semResource(`{"id":1}`, `Etag: "v7"`, "Last-Modified: "+lm.Format(http.TimeFormat))
	rec := testkit.Serve(Conditional(own), testkit.Request("GET", "/", ""))
	if rec.Header().Get("Etag") != `"v7"` || rec.Body.String() != `{"id":1}` {
		t.Fatalf("handler's ETag replaced: %q", rec.Header().Get("Etag"))
	}
	tests := []struct {
		name   string
		header string
		status int
	}{
		{"If-None-Match match", `If-None-Match: "v7"`, http.StatusNotModified},
		{"If-None-Match miss", `If-None-Match: "v6"`, http.StatusOK},
		{"If-Modified-Since same second", "If-Modified-Since: " + lm.Format(http.TimeFormat), http.StatusNotModified},
		{"If-Modified-Since later", "If-Modified-Since: " + lm.Add(time.Hour).Format(http.TimeFormat), http.StatusNotModified},
		{"If-Modified-Since earlier", "If-Modified-Since: " + lm.Add(-time.Second).Format(http.TimeFormat), http.StatusOK},
		{"If-Modified-Since invalid", "If-Modified-Since: yesterday", http.StatusOK},
		{"If-Match match", `If-Match: "v7"`, http.StatusOK},
		{"If-Match miss", `If-Match: "v6"`, http.StatusPreconditionFailed},
		{"If-Match weak", `If-Match: W/"v7"`, http.StatusPreconditionFailed},
		{"If-Match garbage", `If-Match: garbage`, http.StatusPreconditionFailed},
		{"If-Unmodified-Since earlier", "If-Unmodified-Since: " + lm.Add(-time.Hour).Format(http.TimeFormat), http.StatusPreconditionFailed},
		{"If-Unmodified-Since same", "If-Unmodified-Since: " + lm.Format(http.TimeFormat), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testkit.Serve(Conditional(own), testkit.Request("GET", "/", "", tt.header))
			if tt.status == http.StatusPreconditionFailed {
				testkit.Problem(t, rec, tt.status)
				return
			}
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
		})
	}
}

func TestConditionalIfNoneMatchBeatsIfModifiedSince(t *testing.T) {
	lm := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	own := semResource("x", `Etag: "v7"`, "Last-Modified: "+lm.Format(http.TimeFormat))
	rec := testkit.Serve(Conditional(own), testkit.Request("GET", "/", "", `If-None-Match: "v6"`,
		"If-Modified-Since: "+lm.Format(http.TimeFormat)))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200 (If-Modified-Since must be ignored)", rec.Code)
	}
}

func TestConditionalStreamsLargeBodiesUntagged(t *testing.T) {
	big := strings.Repeat("x", 100)
	rec := testkit.Serve(ConditionalMaxBytes(64)(semResource(big)), testkit.Request("GET", "/", ""))
	if rec.Code != http.StatusOK || rec.Body.String() != big || rec.Header().Get("Etag") != "" {
		t.Fatalf("status %d, %d bytes, ETag %q", rec.Code, rec.Body.Len(), rec.Header().Get("Etag"))
	}
}

func TestConditionalStreamsWhenFlushed(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("a"))
		http.NewResponseController(w).Flush()
		w.Write([]byte("b"))
	})
	rec := testkit.Serve(Conditional(h), testkit.Request("GET", "/", ""))
	if rec.Body.String() != "ab" || !rec.Flushed || rec.Header().Get("Etag") != "" {
		t.Fatalf("body %q, flushed %v, ETag %q", rec.Body, rec.Flushed, rec.Header().Get("Etag"))
	}
}

func TestConditionalLeavesUnsafeMethodsToTheHandler(t *testing.T) {
	called := false
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		called = true
		w.WriteHeader(http.StatusNoContent)
	})
	rec := testkit.Serve(Conditional(h), testkit.Request("PUT", "/", "x", `If-Match: "nope"`))
	if !called || rec.Code != http.StatusNoContent {
		t.Fatalf("called %v, status %d", called, rec.Code)
	}
}

func TestConditionalHEADWithoutBodyGetsNoTag(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			w.Write([]byte("{}"))
		}
	})
	rec := testkit.Serve(Conditional(h), testkit.Request("HEAD", "/", ""))
	if rec.Code != http.StatusOK || rec.Header().Get("Etag") != "" {
		t.Fatalf("status %d, ETag %q", rec.Code, rec.Header().Get("Etag"))
	}
	// A HEAD routed to the GET handler gets the GET's tag.
	get := testkit.Serve(Conditional(testkit.OK), testkit.Request("GET", "/", "")).Header().Get("Etag")
	head := testkit.Serve(Conditional(testkit.OK), testkit.Request("HEAD", "/", "")).Header().Get("Etag")
	if get == "" || get != head {
		t.Fatalf("GET tag %q, HEAD tag %q", get, head)
	}
}

func TestConditionalPanicLeavesNothingWritten(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("partial"))
		panic("boom")
	})
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Errorf("recovered %v, want the handler's panic", v)
			}
		}()
		Conditional(h).ServeHTTP(rec, testkit.Request("GET", "/", ""))
	}()
	if rec.Body.Len() != 0 || rec.Code != http.StatusOK || rec.Flushed {
		t.Fatalf("buffered body leaked: %q", rec.Body)
	}
}

func TestCheckPreconditions(t *testing.T) {
	lm := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, method, header, etag string
		lastModified               time.Time
		proceed                    bool
		status                     int
	}{
		{"PUT If-Match ok", "PUT", `If-Match: "v1"`, `"v1"`, lm, true, 0},
		{"PUT If-Match stale", "PUT", `If-Match: "v0"`, `"v1"`, lm, false, 412},
		{"PUT If-Match * on missing resource", "PUT", `If-Match: *`, "", time.Time{}, false, 412},
		{"PUT If-None-Match * creates", "PUT", `If-None-Match: *`, "", time.Time{}, true, 0},
		{"PUT If-None-Match * exists", "PUT", `If-None-Match: *`, `"v1"`, lm, false, 412},
		{"DELETE If-None-Match match", "DELETE", `If-None-Match: "v1"`, `"v1"`, lm, false, 412},
		{"GET If-None-Match match", "GET", `If-None-Match: "v1"`, `"v1"`, lm, false, 304},
		{"GET If-Modified-Since without a tag", "GET", "If-Modified-Since: " + lm.Format(http.TimeFormat), "", lm, false, 304},
		{"PATCH If-Unmodified-Since stale", "PATCH", "If-Unmodified-Since: " + lm.Add(-time.Minute).Format(http.TimeFormat), `"v1"`, lm, false, 412},
		{"POST If-Modified-Since ignored", "POST", "If-Modified-Since: " + lm.Format(http.TimeFormat), `"v1"`, lm, true, 0},
		{"no conditions", "PUT", "", `"v1"`, lm, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hs []string
			if tt.header != "" {
				hs = append(hs, tt.header)
			}
			rec := httptest.NewRecorder()
			ok := CheckPreconditions(rec, testkit.Request(tt.method, "/", "", hs...), tt.etag, tt.lastModified)
			if ok != tt.proceed {
				t.Fatalf("proceed = %v, want %v", ok, tt.proceed)
			}
			switch tt.status {
			case 412:
				testkit.Problem(t, rec, 412)
			case 304:
				if rec.Code != 304 || rec.Header().Get("Etag") != tt.etag {
					t.Fatalf("status %d, ETag %q", rec.Code, rec.Header().Get("Etag"))
				}
				// Last-Modified guides caches only when there is no tag.
				if lmh := rec.Header().Get("Last-Modified"); (lmh != "") != (tt.etag == "") {
					t.Fatalf("Last-Modified %q with ETag %q", lmh, tt.etag)
				}
			}
		})
	}
}

// A problem written after part of a body, while Conditional still holds
// that part back, is the answer: its status, its headers and only its body,
// as when Recoverer answers a panic after a partial write.
func TestConditionalProblemAfterPartialBodyReplacesIt(t *testing.T) {
	for name, h := range map[string]http.Handler{
		"problem.Write": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>partial"))
			problem.Write(w, r, problem.InternalServerError(""))
		}),
		"a panic under Recoverer": Recoverer(Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html><body>partial"))
			panic("boom")
		}))),
	} {
		t.Run(name, func(t *testing.T) {
			if name == "problem.Write" {
				h = Conditional(h)
			}
			rec := testkit.Serve(h, testkit.Request("GET", "/", ""))
			if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "partial") {
				t.Fatalf("%d %q", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" || rec.Header().Get("Etag") != "" {
				t.Errorf("Content-Type %q, ETag %q", ct, rec.Header().Get("Etag"))
			}
			testkit.Problem(t, rec, http.StatusInternalServerError)
		})
	}
}
