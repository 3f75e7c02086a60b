package middleware

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/problem"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

// A foreign error compressed by chi's Compress, inside TranslateErrors,
// must not reach the client as a plain problem labelled gzip.
func TestTranslatedErrorIsNotLabelledWithForeignEncoding(t *testing.T) {
	r := chi.NewRouter()
	r.Use(TranslateErrors)
	r.Use(chimw.Compress(5))
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, strings.Repeat("the cloud is archived ", 20), http.StatusConflict)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := srv.Client().Transport.RoundTrip(req) // no transparent decompression
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	body := raw
	if ce := res.Header.Get("Content-Encoding"); ce == "gzip" {
		zr, err := gzip.NewReader(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("Content-Encoding: gzip on a body that is not gzip: %v; body %q", err, raw)
		}
		body, _ = io.ReadAll(zr)
	}
	var p map[string]any
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("status %d, headers %v: body is not a problem: %q", res.StatusCode, res.Header, body)
	}
	if p["status"] != float64(409) {
		t.Fatalf("problem %v", p)
	}
}

// A handler that set Content-Encoding for the bytes it meant to send, then
// failed, gets a problem that says nothing of that encoding.
func TestProblemAfterHandlerEncodingIsDecodable(t *testing.T) {
	h := TranslateErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadGateway)
		zw := gzip.NewWriter(w)
		zw.Write([]byte("upstream exploded"))
		zw.Close()
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if ce := rec.Header().Get("Content-Encoding"); ce != "" {
		t.Fatalf("problem %q sent with Content-Encoding %q", rec.Body.String(), ce)
	}
}

// A pre-compressed representation with its own ETag, refused by If-Match:
// the 412 problem is not gzip.
func TestConditional412DropsHandlersEncoding(t *testing.T) {
	h := Conditional(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Etag", `"v2"`)
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/css")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("\x1f\x8b..."))
	}))
	req := httptest.NewRequest("GET", "/app.css", nil)
	req.Header.Set("If-Match", `"v1"`)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusPreconditionFailed {
		t.Fatalf("status %d", rec.Code)
	}
	if ce := rec.Header().Get("Content-Encoding"); ce != "" {
		t.Fatalf("412 problem %q sent with Content-Encoding %q", rec.Body.String(), ce)
	}
}

// A handler that panics after setting Content-Encoding gets a 500 problem
// that is not labelled with it.
func TestRecovererDropsHandlersEncoding(t *testing.T) {
	h := Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if ce := rec.Header().Get("Content-Encoding"); ce != "" {
		t.Fatalf("500 problem %q sent with Content-Encoding %q", rec.Body.String(), ce)
	}
}

// A status-recording wrapper between Conditional and a handler (a metrics
// or logging middleware built on chi's WrapResponseWriter, or Recoverer)
// does not make the problem writer believe a held-back response went out:
// the handler's error is the answer, not its partial body tagged as a 200.
func TestHeldBackBodyBehindRecordingWrapperGivesWayToTheProblem(t *testing.T) {
	metrics := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(chimw.NewWrapResponseWriter(w, r.ProtoMajor), r)
		})
	}
	for name, wrapper := range map[string]func(http.Handler) http.Handler{"chi's WrapResponseWriter": metrics, "Recoverer": Recoverer} {
		t.Run(name, func(t *testing.T) {
			r := chi.NewRouter()
			r.Use(Conditional)
			r.Use(wrapper)
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
		})
	}
}

// A body over http.MaxBytesReader's limit, found while the proxy sends it
// on, is the client's 413, not an upstream failure alerted as a 502.
func TestProxiedBodyTooLargeIsTheClients413(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer up.Close()
	target, _ := url.Parse(up.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorHandler = ProxyErrorHandler
	var alerts atomic.Int32
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(context.Context, problem.Alert) { alerts.Add(1) }}
	front := httptest.NewServer(pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 10)
		proxy.ServeHTTP(w, r)
	})))
	defer front.Close()
	res, err := http.Post(front.URL, "text/plain", strings.NewReader(strings.Repeat("x", 1<<20)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	pw.Wait(context.Background())
	if res.StatusCode != http.StatusRequestEntityTooLarge || alerts.Load() != 0 {
		t.Fatalf("status %d, %d alerts: the client's oversized body was blamed on the upstream", res.StatusCode, alerts.Load())
	}
}

// stalledBody gives some bytes, then waits, as the server's body reader
// does for a client that sends no more, and returns the error it returns
// once its ReadTimeout has passed.
type stalledBody struct{ sent bool }

func (b *stalledBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, "partial"), nil
	}
	// Real time: the watched body measures how long its reader waits, and
	// this wait must outlast the proxy's dial to the upstream.
	time.Sleep(300 * time.Millisecond)
	return 0, os.ErrDeadlineExceeded
}

func (b *stalledBody) Close() error { return nil }

// A client that stops sending its body makes the proxy fail by a timeout
// that is the client's, not the upstream's: a 400, not a 504 alerted as
// an upstream failure, which any client could set off by stalling.
func TestProxiedBodyThatStopsArrivingIsTheClients400(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer up.Close()
	target, _ := url.Parse(up.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorHandler = ProxyErrorHandler
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	var alerts atomic.Int32
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(context.Context, problem.Alert) { alerts.Add(1) }}
	req := httptest.NewRequest("POST", "/", nil)
	req.Body, req.ContentLength = &stalledBody{}, 1000
	rec := httptest.NewRecorder()
	pw.Handler(proxy).ServeHTTP(rec, req)
	pw.Wait(context.Background())
	if rec.Code != http.StatusBadRequest || alerts.Load() != 0 || strings.Contains(rec.Body.String(), "deadline") {
		t.Fatalf("status %d, %d alerts, body %s: the client's stalled body was blamed on the upstream", rec.Code, alerts.Load(), rec.Body)
	}

	// An upstream that times out is still the upstream's 504.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer slow.Close()
	target, _ = url.Parse(slow.URL)
	proxy = httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorHandler = ProxyErrorHandler
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	proxy.Transport = &http.Transport{ResponseHeaderTimeout: 50 * time.Millisecond}
	rec = httptest.NewRecorder()
	pw.Handler(proxy).ServeHTTP(rec, httptest.NewRequest("POST", "/", strings.NewReader("complete")))
	if rec.Code != http.StatusGatewayTimeout {
		t.Fatalf("an upstream timeout: %d", rec.Code)
	}
}
