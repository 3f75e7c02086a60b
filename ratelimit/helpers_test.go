package ratelimit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/go-chi/chi/v5"
)

// t0 starts a minute (and so every window dividing a minute).
var t0 = time.Unix(1_699_999_980, 0)

// fakeCounter returns a LocalCounter on a fake clock starting at start.
func fakeCounter(start time.Time) (*LocalCounter, *testkit.Clock) {
	c := testkit.NewClock(start)
	lc := NewLocalCounter()
	lc.now = func() int64 { return c.Now().UnixMilli() }
	return lc, c
}

// router mounts mw on GET /items/{id} and GET /other, both answering 200 "ok".
func router(mw func(http.Handler) http.Handler) http.Handler {
	r := chi.NewRouter()
	ok := func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }
	r.With(mw).Get("/items/{id}", ok)
	r.With(mw).Get("/other", ok)
	return r
}

// do sends GET path from remote (an "ip:port") through h.
func do(h http.Handler, path, remote string, mod ...func(*http.Request)) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if remote != "" {
		r.RemoteAddr = remote
	}
	for _, m := range mod {
		m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// fields parses the RateLimit field of w into name -> {r, t}.
func fields(t *testing.T, w *httptest.ResponseRecorder) map[string][2]int64 {
	t.Helper()
	items, err := parseSFList(joinField(w.Header().Values("RateLimit")))
	if err != nil {
		t.Fatalf("RateLimit %q: %v", w.Header().Values("RateLimit"), err)
	}
	out := map[string][2]int64{}
	for _, it := range items {
		name, ok := it.value.(string)
		r, okR := it.param("r")
		tt, okT := it.param("t")
		if !ok || !okR || !okT {
			t.Fatalf("RateLimit item %+v: want a string with r and t", it)
		}
		out[name] = [2]int64{r.(int64), tt.(int64)}
	}
	return out
}

func joinField(vs []string) string {
	s := ""
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s
}

// retryAfter parses Retry-After as whole seconds.
func retryAfter(t *testing.T, w *httptest.ResponseRecorder) int64 {
	t.Helper()
	n, err := strconv.ParseInt(w.Header().Get("Retry-After"), 10, 64)
	if err != nil || n < 1 {
		t.Fatalf("Retry-After %q: want whole seconds >= 1", w.Header().Get("Retry-After"))
	}
	return n
}

// body decodes a JSON response body.
func body(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", w.Body, err)
	}
	return m
}

// limitNamed is Limit with the policy named name.
func limitNamed(name string, quota int, window time.Duration, opts ...Option) func(http.Handler) http.Handler {
	l, err := NewLimiter(Policy{Name: name, Quota: quota, Window: window}, opts...)
	if err != nil {
		panic(err)
	}
	return l.Handler
}
