package problem_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// discard is a ResponseWriter that keeps one header map and drops the
// body, so the benchmarks measure the writers and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

type stdProblem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

type stdExtended struct {
	stdProblem
	TraceID string               `json:"traceId"`
	Errors  []problem.FieldError `json:"errors"`
}

// BenchmarkWrite compares the shared writer with the two ways Go code
// usually renders problems, on the same members, in one run.
func BenchmarkWrite(b *testing.B) {
	const detail = "Cloud 42 does not exist or you cannot see it."
	basic := problem.NotFound(detail) // type, title and status from the catalog
	basic.Instance = "/requests/host-abc-000001"
	errs := []problem.FieldError{
		problem.BodyError("is required", "name"),
		problem.ParamError("cloudPk", "must be an integer"),
	}
	extended := basic.With("traceId", "4bf92f3577b34da6a3ce929d0e0e4736").WithErrors(errs...)
	stdBasic := stdProblem{Type: "/problems/not-found", Title: "Not Found", Status: 404,
		Detail: detail, Instance: "/requests/host-abc-000001"}
	stdExt := stdExtended{stdProblem: stdBasic, TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", Errors: errs}

	r := httptest.NewRequest(http.MethodGet, "/cloud/42", nil)
	w := &discard{h: http.Header{}}
	pw := &problem.Writer{}

	run := func(name string, fn func()) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			defer testkit.ReportCPU(b)()
			for b.Loop() {
				clear(w.h)
				fn()
			}
		})
	}
	run("chiguard/basic", func() { pw.Write(w, r, basic) })
	run("chiguard/extensions", func() { pw.Write(w, r, extended) })
	// What a handler does: the problem and its two members built per
	// request, from values the request holds.
	traced := httptest.NewRequest(http.MethodGet, "/cloud/42", nil)
	traced.Header.Set("Trace-Id", "4bf92f3577b34da6a3ce929d0e0e4736")
	run("chiguard/extensions-per-request", func() {
		p := problem.NotFound(detail).With("traceId", traced.Header.Get("Trace-Id")).WithErrors(errs...)
		p.Instance = "/requests/host-abc-000001"
		pw.Write(w, traced, p)
	})
	// instance from a chi-style request ID, on a POST whose body is unread
	post := httptest.NewRequest(http.MethodPost, "/cloud", strings.NewReader(`{"name":"x"}`))
	post = post.WithContext(context.WithValue(post.Context(), chimw.RequestIDKey, "host/AbC-000001"))
	refused := problem.Unauthorized("")
	run("chiguard/request-id", func() { pw.Write(w, post, refused) })
	run("stdlib/encoder", func() {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(stdBasic.Status)
		json.NewEncoder(w).Encode(stdBasic)
	})
	run("stdlib/encoder-extensions", func() {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(stdExt.Status)
		json.NewEncoder(w).Encode(stdExt)
	})
	run("stdlib/encoder-extensions-per-request", func() {
		p := stdExtended{stdProblem: stdProblem{Type: "/problems/not-found", Title: "Not Found", Status: 404,
			Detail: detail, Instance: "/requests/host-abc-000001"}, TraceID: traced.Header.Get("Trace-Id"), Errors: errs}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(p.Status)
		json.NewEncoder(w).Encode(p)
	})
	ext := map[string]any{"traceId": stdExt.TraceID, "errors": errs}
	run("stdlib/map", func() {
		m := map[string]any{"type": stdBasic.Type, "title": stdBasic.Title, "status": stdBasic.Status,
			"detail": stdBasic.Detail, "instance": stdBasic.Instance}
		maps.Copy(m, ext)
		body, _ := json.Marshal(m)
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(stdBasic.Status)
		w.Write(body)
	})
}

// BenchmarkMiddleware measures what installing a writer costs a request
// that is refused, with and without a body.
func BenchmarkMiddleware(b *testing.B) {
	pw := &problem.Writer{}
	refused := problem.Unauthorized("")
	h := pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, refused)
	}))
	w := &discard{h: http.Header{}}
	body := strings.NewReader(`{"name":"x"}`)
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/cloud", nil),
		httptest.NewRequest(http.MethodPost, "/cloud", body),
	} {
		b.Run(r.Method, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				body.Seek(0, io.SeekStart)
				h.ServeHTTP(w, r)
			}
		})
	}
}
