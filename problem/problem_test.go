package problem_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/problem"
)

// render writes p for a GET with the given Accept through pw and returns
// the recorded response and the decoded body.
func render(t *testing.T, pw *problem.Writer, accept string, p *problem.Problem) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/cloud/1", nil)
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	w := httptest.NewRecorder()
	pw.Write(w, r, p)
	var body map[string]any
	if strings.Contains(w.Header().Get("Content-Type"), "json") {
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("body is not JSON: %v\n%s", err, w.Body)
		}
	}
	return w, body
}

func TestExtensionMembersAreTopLevelInOrder(t *testing.T) {
	p := problem.BadRequest("bad").
		With("zeta", 1).
		With("alpha", "a").
		With("zeta", 2).
		WithErrors(problem.BodyError("is required", "name"))
	w, _ := render(t, &problem.Writer{}, "", p)
	want := `{"type":"/problems/bad-request","title":"Bad Request","status":400,"detail":"bad",` +
		`"zeta":2,"alpha":"a","errors":[{"detail":"is required","pointer":"#/name"}]}`
	if got := w.Body.String(); got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
}

func TestWithPanicsOnNamesRFC9457Forbids(t *testing.T) {
	for _, name := range []string{"type", "title", "status", "detail", "instance", "ab", "1abc", "a b", "_abc", "ab.c", "ab\"c", ""} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				v := recover()
				err, ok := v.(error)
				if !ok || !errors.Is(err, problem.ErrInvalidExtensionName) {
					t.Fatalf("With(%q) recovered %v, want ErrInvalidExtensionName", name, v)
				}
				if !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) {
					t.Errorf("panic %q does not name the member", err)
				}
			}()
			problem.BadRequest("").With(name, 1)
		})
	}
	for _, name := range []string{"traceId", "violated-policies", "abc", "a_1"} {
		problem.BadRequest("").With(name, 1) // must not panic
	}
}

func TestWithMethodsLeaveTheOriginalUnchanged(t *testing.T) {
	base := problem.NotFound("orig").With("one", 1).WithHeader("X-A", "1")
	_ = base.With("two", 2).WithHeader("X-B", "2").WithDetail("changed").WithCause(errors.New("x"))
	if base.Detail != "orig" || base.Unwrap() != nil {
		t.Fatalf("base changed: %+v", base)
	}
	if _, ok := base.Extension("two"); ok {
		t.Fatal("base gained an extension")
	}
	if base.Header().Get("X-B") != "" {
		t.Fatal("base gained a header")
	}
}

func TestErrorStringAndUnwrap(t *testing.T) {
	cause := errors.New("db down")
	p := problem.ServiceUnavailable("try later").WithCause(cause)
	if got, want := p.Error(), "503 Service Unavailable: try later: db down"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(p, cause) {
		t.Error("errors.Is does not find the cause")
	}
}

func TestFromError(t *testing.T) {
	nf := problem.NotFound("no cloud 3")
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantSame   bool
	}{
		{"problem", nf, 404, true},
		{"wrapped problem", fmt.Errorf("loading: %w", nf), 404, true},
		{"max bytes", fmt.Errorf("decode: %w", &http.MaxBytesError{Limit: 10}), 413, false},
		{"plain error", errors.New("pq: password authentication failed"), 500, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := problem.FromError(tt.err)
			if p.Status != tt.wantStatus {
				t.Fatalf("status %d, want %d", p.Status, tt.wantStatus)
			}
			if tt.wantSame && p != nf {
				t.Error("did not return the carried problem")
			}
			if strings.Contains(p.Detail, "pq:") {
				t.Errorf("detail leaks the error: %q", p.Detail)
			}
		})
	}
	if problem.FromError(nil) != nil {
		t.Error("FromError(nil) != nil")
	}
}

func TestHandlerFuncWritesReturnedErrors(t *testing.T) {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Query().Get("fail") == "secret" {
			return errors.New("secret internal text")
		}
		if r.URL.Query().Get("fail") != "" {
			return problem.Conflict("name taken")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	tests := []struct {
		query      string
		wantStatus int
	}{{"", 204}, {"?fail=1", 409}, {"?fail=secret", 500}}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/x"+tt.query, nil))
		if w.Code != tt.wantStatus {
			t.Errorf("%q: status %d, want %d", tt.query, w.Code, tt.wantStatus)
		}
		if strings.Contains(w.Body.String(), "secret internal") {
			t.Errorf("%q: body leaks the error: %s", tt.query, w.Body)
		}
	}
}

func TestPointerEscapesTokens(t *testing.T) {
	tests := []struct {
		tokens []string
		want   string
	}{
		{nil, "#"},
		{[]string{"name"}, "#/name"},
		{[]string{"items", "0", "id"}, "#/items/0/id"},
		{[]string{"a/b", "m~n"}, "#/a~1b/m~0n"},
		{[]string{"a b", "c%d", "é"}, "#/a%20b/c%25d/%C3%A9"},
		{[]string{""}, "#/"},
	}
	for _, tt := range tests {
		if got := problem.Pointer(tt.tokens...); got != tt.want {
			t.Errorf("Pointer(%q) = %q, want %q", tt.tokens, got, tt.want)
		}
	}
}

func TestFromErrorContextErrors(t *testing.T) {
	canceled := problem.FromError(fmt.Errorf("query: %w", context.Canceled))
	if canceled.Status != 500 || !errors.Is(canceled, context.Canceled) {
		t.Fatalf("canceled: %+v", canceled)
	}
	alerts := make(chan problem.Alert, 1)
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(_ context.Context, a problem.Alert) { alerts <- a }}
	pw.Write(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), canceled)
	if p := problem.FromError(context.DeadlineExceeded); p.Status != 503 {
		t.Fatalf("deadline: %+v", p)
	}
	wait(t, pw)
	if len(alerts) != 0 {
		t.Fatalf("a client hanging up paged someone: %+v", <-alerts)
	}
}

// A handler that started its response and then fails gets no second
// status line and no problem appended to its body, even on a bare
// ResponseWriter.
func TestHandlerFuncDoesNotWriteOverAStartedResponse(t *testing.T) {
	h := problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"partial":`))
		if f, ok := w.(http.Flusher); ok {
			f.Flush() // the wrapper keeps the writer's interfaces
		} else {
			t.Error("the wrapped writer lost http.Flusher")
		}
		return errors.New("stream broke")
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != `{"partial":` {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
}

func TestHeaderIsACopy(t *testing.T) {
	p := problem.Unauthorized("").WithHeader("WWW-Authenticate", `Bearer realm="api"`)
	h := p.Header()
	h.Set("WWW-Authenticate", "Basic")
	h.Add("X-Extra", "1")
	rec := httptest.NewRecorder()
	problem.Write(rec, httptest.NewRequest("GET", "/", nil), p)
	if got := rec.Header().Values("WWW-Authenticate"); len(got) != 1 || got[0] != `Bearer realm="api"` || rec.Header().Get("X-Extra") != "" {
		t.Errorf("a change to Header() reached the problem: %v", rec.Header())
	}
}

// Problems derived from one shared problem share its members and headers
// but never see each other's: siblings that add or replace a member, or
// add to a header, each render only their own.
func TestSiblingsOfASharedProblemStayApart(t *testing.T) {
	base := problem.NotFound("").With("one", 1).With("two", 2).With("three", 3).
		WithHeader("X-A", "base").WithErrors(problem.BodyError("base", "x"))
	a := base.With("four", "a").With("three", "a").WithHeader("X-A", "a").WithErrors(problem.BodyError("a", "x"))
	b := base.With("four", "b").With("three", "b").WithHeader("X-A", "b").WithErrors(problem.BodyError("b", "x"))
	for _, c := range []struct {
		p    *problem.Problem
		body string
		hdr  []string
	}{
		{base, `"one":1,"two":2,"three":3,"errors":[{"detail":"base","pointer":"#/x"}]}`, []string{"base"}},
		{a, `"one":1,"two":2,"three":"a","errors":[{"detail":"a","pointer":"#/x"}],"four":"a"}`, []string{"base", "a"}},
		{b, `"one":1,"two":2,"three":"b","errors":[{"detail":"b","pointer":"#/x"}],"four":"b"}`, []string{"base", "b"}},
	} {
		w, _ := render(t, &problem.Writer{}, "", c.p)
		if got := w.Body.String(); !strings.HasSuffix(got, `"status":404,`+c.body) {
			t.Errorf("body %s\nwant it to end with %s", got, c.body)
		}
		if got := w.Header().Values("X-A"); !slices.Equal(got, c.hdr) {
			t.Errorf("X-A = %q, want %q", got, c.hdr)
		}
	}
	if v, _ := base.Extension("errors"); len(v.([]problem.FieldError)) != 1 || v.([]problem.FieldError)[0].Detail != "base" {
		t.Errorf(`base's "errors" = %v`, v)
	}
}

// A problem built and written in one handler costs no allocation of its
// own: the With methods are inlined and their copies stay on the stack.
// Only what the handler boxes into a member (here a string) allocates.
func TestProblemBuiltPerRequestDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what the compiler keeps on the stack")
	}
	r := httptest.NewRequest(http.MethodGet, "/cloud/42", nil)
	r.Header.Set("Trace-Id", "4bf92f3577b34da6a3ce929d0e0e4736")
	errs := []problem.FieldError{problem.ParamError("cloudPk", "must be an integer")}
	w := &discard{h: http.Header{}}
	n := testing.AllocsPerRun(100, func() {
		clear(w.h)
		problem.Write(w, r, problem.NotFound("Cloud 42 does not exist.").
			With("traceId", r.Header.Get("Trace-Id")).WithErrors(errs...).WithHeader("X-Trace", "1"))
	})
	// the boxed trace ID, and the header
	if n > 2 {
		t.Errorf("%v allocations per problem built and written, want at most 2", n)
	}
}

// The errors member is an array, as its schema says, even when WithErrors
// is given none.
func TestWithNoErrorsIsAnEmptyArray(t *testing.T) {
	_, body := render(t, &problem.Writer{}, "", problem.BadRequest("x").WithErrors())
	if errs, ok := body["errors"].([]any); !ok || len(errs) != 0 {
		t.Errorf("errors = %#v, want []", body["errors"])
	}
}
