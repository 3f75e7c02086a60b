package middleware

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

var errSemDatabase = errors.New("database password is hunter2")

// semPanicServer is Recoverer -> RequestID -> a panicking handler, behind a
// problem writer that logs to buf and sends alerts to alert.
func semPanicServer(buf *bytes.Buffer, alert func(context.Context, problem.Alert), h http.Handler) http.Handler {
	pw := &problem.Writer{
		Logger: slog.New(slog.NewJSONHandler(buf, nil)),
		Alert:  alert,
	}
	return pw.Handler(Recoverer(RequestID(h)))
}

// waitForAlerts waits for pw's alert hooks, failing the test if they hang.
func waitForAlerts(t *testing.T, pw *problem.Writer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a failsafe, not an ordering
	defer cancel()
	if err := pw.Wait(ctx); err != nil {
		t.Fatalf("alert hooks still running: %v", err)
	}
}

func TestRecovererAnswers500WithoutInternals(t *testing.T) {
	var logs bytes.Buffer
	alerts := make(chan problem.Alert, 10)
	h := semPanicServer(&logs, func(_ context.Context, a problem.Alert) { alerts <- a },
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/csv") // set before the panic: must not leak into the problem
			panic(errSemDatabase)
		}))
	rec := testkit.Serve(h, testkit.Request("GET", "/cloud", "", "X-Request-Id: req-7"))
	p := testkit.Problem(t, rec, http.StatusInternalServerError)
	body := rec.Body.String()
	for _, leak := range []string{"hunter2", "panic", "goroutine", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("body leaks %q: %s", leak, body)
		}
	}
	if p["instance"] != "req-7" {
		t.Errorf("instance = %v, want the request ID", p["instance"])
	}
	log := logs.String()
	for _, want := range []string{`"request_id":"req-7"`, "hunter2", "goroutine", "recoverer_test.go"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q: %s", want, log)
		}
	}
	a := testkit.Receive(t, alerts, "the alert")
	var pe *PanicError
	if !errors.As(a.Err, &pe) || !errors.Is(a.Err, errSemDatabase) || a.RequestID != "req-7" {
		t.Fatalf("alert %+v", a)
	}
	if pe.Error() != "panic: "+errSemDatabase.Error() || len(pe.Stack) == 0 {
		t.Errorf("PanicError %q, %d stack bytes", pe.Error(), len(pe.Stack))
	}
}

func TestRecovererStormSendsOneAlertAndNeverBlocks(t *testing.T) {
	calls := make(chan struct{}, 200)
	block := make(chan struct{})
	pw := &problem.Writer{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Alert: func(context.Context, problem.Alert) {
			calls <- struct{}{}
			<-block // a stuck alert channel
		},
	}
	srv := pw.Handler(Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("same bug")
	})))
	testkit.Serve(srv, testkit.Request("GET", "/", ""))
	testkit.Receive(t, calls, "the first alert")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 199 {
			testkit.Serve(srv, testkit.Request("GET", "/", ""))
		}
	}()
	testkit.Receive(t, done, "199 responses while the alert hook is stuck")
	close(block)
	waitForAlerts(t, pw)
	if n := 1 + len(calls); n != 1 {
		t.Fatalf("alert hook called %d times for one panic repeated", n)
	}
}

func TestRecovererRepanicsAbortHandler(t *testing.T) {
	h := Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler", v)
		}
		if rec.Body.Len() != 0 {
			t.Fatalf("wrote %q", rec.Body)
		}
	}()
	h.ServeHTTP(rec, testkit.Request("GET", "/", ""))
}

func TestRecovererAfterResponseStarted(t *testing.T) {
	var logs bytes.Buffer
	h := semPanicServer(&logs, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"partial":`))
		panic("mid-stream")
	}))
	rec := httptest.NewRecorder()
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler so the client sees a broken response", v)
			}
		}()
		h.ServeHTTP(rec, testkit.Request("GET", "/", ""))
	}()
	if rec.Code != http.StatusOK || rec.Body.String() != `{"partial":` {
		t.Errorf("second status line or body written: %d %q", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "mid-stream") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}

func TestRecovererWithRealServer(t *testing.T) {
	srv := httptest.NewServer(semPanicServer(&bytes.Buffer{}, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	})))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 500 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// One bug whose panics carry a different value each time (an index out of
// range, an ID) is still one alert.
func TestRecovererFoldsOneBugWithChangingValues(t *testing.T) {
	alerts := make(chan problem.Alert, 300)
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler),
		Alert: func(_ context.Context, a problem.Alert) { alerts <- a }}
	var items []int
	srv := pw.Handler(Recoverer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := len(r.URL.Query().Get("n"))
		_ = items[i] // index out of range [i] with length 0
	})))
	for i := range 300 {
		rec := testkit.Serve(srv, testkit.Request("GET", "/?n="+strings.Repeat("x", i), ""))
		if rec.Code != http.StatusInternalServerError {
			t.Fatalf("status %d", rec.Code)
		}
	}
	waitForAlerts(t, pw)
	if n := len(alerts); n != 1 {
		t.Fatalf("%d alerts for one bug", n)
	}
	var pe *PanicError
	if a := <-alerts; !errors.As(a.Err, &pe) || !strings.Contains(pe.AlertKey(), "recoverer_test.go:") {
		t.Fatalf("alert %+v, key %q", a, pe.AlertKey())
	}
}

func TestPanicErrorAlertKeyNamesTheSite(t *testing.T) {
	var key1, key2 string
	for i, dst := range []*string{&key1, &key2} {
		func() {
			defer func() {
				*dst = (&PanicError{Value: recover(), Stack: debug.Stack()}).AlertKey()
			}()
			panic(fmt.Sprintf("cloud %d missing", i)) // one site, two values
		}()
	}
	if key1 != key2 || !strings.HasPrefix(key1, "string at ") || !strings.Contains(key1, "recoverer_test.go:") {
		t.Fatalf("keys %q and %q", key1, key2)
	}
}

// Recoverer installed before the problem writer still answers the panic,
// and the writer logs what to change.
func TestRecovererBeforeTheWriterIsReported(t *testing.T) {
	var logs bytes.Buffer
	pw := &problem.Writer{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	quiet := problem.DefaultWriter.Logger
	problem.DefaultWriter.Logger = slog.New(slog.DiscardHandler)
	t.Cleanup(func() { problem.DefaultWriter.Logger = quiet })
	h := Recoverer(pw.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	rec := testkit.Serve(h, testkit.Request("GET", "/", ""))
	testkit.Problem(t, rec, http.StatusInternalServerError)
	if !strings.Contains(logs.String(), "install middleware.Recoverer after it") {
		t.Errorf("the writer did not report the order: %q", logs.String())
	}

	logs.Reset()
	testkit.Serve(pw.Handler(Recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))),
		testkit.Request("GET", "/", ""))
	if strings.Contains(logs.String(), "install middleware.Recoverer") {
		t.Errorf("reported a misorder in the recommended order: %q", logs.String())
	}
}
