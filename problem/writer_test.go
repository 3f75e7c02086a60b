package problem_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
)

func TestWriteSetsHeadersAndBody(t *testing.T) {
	w, body := render(t, &problem.Writer{}, "", problem.NotFound("Cloud 42 does not exist."))
	if w.Code != 404 {
		t.Fatalf("status %d", w.Code)
	}
	wantHeaders := map[string]string{
		"Content-Type":  "application/problem+json",
		"Cache-Control": "no-store",
		"Vary":          "Accept",
	}
	for k, v := range wantHeaders {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	want := map[string]any{
		"type": "/problems/not-found", "title": "Not Found", "status": 404.0,
		"detail": "Cloud 42 does not exist.",
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("body[%s] = %v, want %v", k, body[k], v)
		}
	}
}

func TestBodyStatusAlwaysEqualsHTTPStatus(t *testing.T) {
	tests := []struct {
		name string
		p    *problem.Problem
		want int
	}{
		{"nil problem", nil, 500},
		{"zero problem", &problem.Problem{}, 500},
		{"success status is a bug", &problem.Problem{Status: 200}, 500},
		{"status from catalog type", &problem.Problem{Type: problem.TypeConflict}, 409},
		{"status from problem", problem.New(418, "teapot"), 418},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, body := render(t, &problem.Writer{}, "", tt.p)
			if w.Code != tt.want || body["status"] != float64(tt.want) {
				t.Fatalf("HTTP %d, body status %v, want %d", w.Code, body["status"], tt.want)
			}
		})
	}
}

func TestWriteResolvesTypesAndTitles(t *testing.T) {
	cat := problem.NewCatalog("https://api.example.com/problems")
	cat.MustRegister(problem.DefaultTypes()...)
	cat.MustRegister(problem.Type{Slug: "cloud-locked", Status: 409, Title: "Cloud Locked", Description: "Locked."})
	pw := &problem.Writer{Catalog: cat}
	tests := []struct {
		name      string
		p         *problem.Problem
		wantType  string
		wantTitle string
	}{
		{"default slug under the custom base", problem.Forbidden(""), "https://api.example.com/problems/forbidden", "Forbidden"},
		{"registered slug", &problem.Problem{Type: "cloud-locked"}, "https://api.example.com/problems/cloud-locked", "Cloud Locked"},
		{"registered absolute URI", &problem.Problem{Type: "https://iana.org/assignments/http-problem-types#quota-exceeded", Status: 429},
			"https://iana.org/assignments/http-problem-types#quota-exceeded", "Request cannot be satisfied as assigned quota has been exceeded"},
		{"empty type takes the status's type", problem.New(404, ""), "https://api.example.com/problems/not-found", "Not Found"},
		{"unknown status is about:blank", problem.New(418, ""), "about:blank", "I'm a teapot"},
		{"explicit title wins", &problem.Problem{Type: "cloud-locked", Title: "Mine"}, "https://api.example.com/problems/cloud-locked", "Mine"},
		{"unregistered absolute URI kept", &problem.Problem{Type: "urn:x:y", Status: 400}, "urn:x:y", "Bad Request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, body := render(t, pw, "", tt.p)
			if body["type"] != tt.wantType || body["title"] != tt.wantTitle {
				t.Fatalf("type %v title %v, want %s %s", body["type"], body["title"], tt.wantType, tt.wantTitle)
			}
		})
	}
}

func TestWriteNegotiatesTheErrorFormat(t *testing.T) {
	tests := []struct {
		accept string
		xml    bool
		want   string
	}{
		{"", false, "application/problem+json"},
		{"*/*", false, "application/problem+json"},
		{"application/json", false, "application/json"},
		{"application/problem+json", false, "application/problem+json"},
		{"application/json, application/problem+json;q=0.5", false, "application/json"},
		{"application/*", false, "application/problem+json"},
		{"text/html", false, "application/problem+json"}, // never an empty 406
		{"application/json;q=0", false, "application/problem+json"},
		{"application/problem+xml", false, "application/problem+json"},
		{"application/problem+xml", true, "application/problem+xml"},
		{"application/xml", true, "application/xml"},
		{"application/json, application/xml;q=0.1", true, "application/json"},
	}
	for _, tt := range tests {
		w, _ := render(t, &problem.Writer{XML: tt.xml}, tt.accept, problem.NotAcceptable(""))
		if got := w.Header().Get("Content-Type"); got != tt.want {
			t.Errorf("Accept %q (xml %v): Content-Type %q, want %q", tt.accept, tt.xml, got, tt.want)
		}
	}
}

func TestWriteAsSkipsNegotiation(t *testing.T) {
	tests := []struct {
		mediaType string
		xml       bool
		want      string
	}{
		{"application/json", false, "application/json"},
		{"application/problem+json", false, "application/problem+json"},
		{"application/problem+xml", true, "application/problem+xml"},
		{"application/xml", true, "application/xml"},
		{"application/xml", false, "application/problem+json"}, // not sent: negotiated
		{"text/html", true, "application/problem+json"},
		{"Application/JSON", false, "application/problem+json"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/cloud/1", nil)
		r.Header.Set("Accept", "application/problem+json, application/*;q=0.1")
		w := httptest.NewRecorder()
		(&problem.Writer{XML: tt.xml}).WriteAs(w, r, problem.NotAcceptable(""), tt.mediaType)
		if got := w.Header().Get("Content-Type"); got != tt.want || w.Code != http.StatusNotAcceptable {
			t.Errorf("WriteAs %q (xml %v): %d, Content-Type %q, want 406, %q", tt.mediaType, tt.xml, w.Code, got, tt.want)
		}
		if got := w.Header().Get("Vary"); got != "Accept" {
			t.Errorf("WriteAs %q: Vary %q, want Accept", tt.mediaType, got)
		}
	}
}

func TestWriteXMLFollowsAppendixB(t *testing.T) {
	p := problem.BadRequest("a < b").With("balance", 30).
		With("accounts", []string{"https://example.net/account/1", "https://example.net/account/2"})
	w, _ := render(t, &problem.Writer{XML: true}, "application/problem+xml", p)
	var doc struct {
		XMLName  xml.Name
		Type     string   `xml:"type"`
		Status   int      `xml:"status"`
		Detail   string   `xml:"detail"`
		Balance  int      `xml:"balance"`
		Accounts []string `xml:"accounts>i"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, w.Body)
	}
	if doc.XMLName.Space != "urn:ietf:rfc:7807" || doc.XMLName.Local != "problem" {
		t.Errorf("root %v", doc.XMLName)
	}
	if doc.Status != 400 || doc.Detail != "a < b" || doc.Balance != 30 || len(doc.Accounts) != 2 ||
		doc.Type != "/problems/bad-request" {
		t.Errorf("decoded %+v", doc)
	}
}

func TestWriteHEADSendsHeadersOnly(t *testing.T) {
	r := httptest.NewRequest(http.MethodHead, "/x", nil)
	w := httptest.NewRecorder()
	problem.Write(w, r, problem.NotFound("x"))
	if w.Code != 404 || w.Body.Len() != 0 || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("HEAD: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
}

func TestWriteHeaders(t *testing.T) {
	t.Run("problem headers are sent and the problem is not shared with the response", func(t *testing.T) {
		p := problem.MethodNotAllowed("").WithHeader("Allow", "GET, HEAD")
		w, _ := render(t, &problem.Writer{}, "", p)
		w.Header().Add("Allow", "POST")
		if got := p.Header().Values("Allow"); len(got) != 1 || got[0] != "GET, HEAD" {
			t.Fatalf("problem header changed: %q", got)
		}
	})
	t.Run("header values cannot be split", func(t *testing.T) {
		w, _ := render(t, &problem.Writer{}, "", problem.Unauthorized("").WithHeader("WWW-Authenticate", "Bearer\r\nSet-Cookie: a=b"))
		if v := w.Header().Get("WWW-Authenticate"); strings.ContainsAny(v, "\r\n") {
			t.Fatalf("CR/LF in header: %q", v)
		}
	})
	t.Run("existing Vary is kept", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		w := httptest.NewRecorder()
		w.Header().Set("Vary", "Accept-Encoding")
		w.Header().Set("ETag", `"abc"`)
		w.Header().Set("Content-Length", "9999")
		problem.Write(w, r, problem.NotFound(""))
		if got := w.Header().Values("Vary"); len(got) != 2 || got[0] != "Accept-Encoding" || got[1] != "Accept" {
			t.Errorf("Vary = %q", got)
		}
		if w.Header().Get("ETag") != "" || w.Header().Get("Content-Length") != "" {
			t.Errorf("stale representation headers kept: %v", w.Header())
		}
	})
	t.Run("Vary already naming Accept is not repeated", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		w := httptest.NewRecorder()
		w.Header().Set("Vary", "Origin, accept")
		problem.Write(w, r, problem.NotFound(""))
		if got := w.Header().Values("Vary"); len(got) != 1 {
			t.Errorf("Vary = %q", got)
		}
	})
}

func TestInstanceComesFromTheRequestID(t *testing.T) {
	tests := []struct {
		name string
		pw   *problem.Writer
		id   string
		p    *problem.Problem
		want any
	}{
		{"chi request id", &problem.Writer{}, "host/AbC-000001", problem.NotFound(""), "host%2FAbC-000001"},
		{"escaped to a URI reference", &problem.Writer{}, "a b:c?d#e%", problem.NotFound(""), "a%20b%3Ac%3Fd%23e%25"},
		{"no id, no instance", &problem.Writer{}, "", problem.NotFound(""), nil},
		{"explicit instance wins", &problem.Writer{}, "id1", &problem.Problem{Status: 404, Instance: "/clouds/1"}, "/clouds/1"},
		{"custom instance", &problem.Writer{Instance: func(r *http.Request, id string) string { return "urn:req:" + id }},
			"id1", problem.NotFound(""), "urn:req:id1"},
		{"instance turned off", &problem.Writer{Instance: func(*http.Request, string) string { return "" }},
			"id1", problem.NotFound(""), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tt.id != "" {
				r = r.WithContext(context.WithValue(r.Context(), chimw.RequestIDKey, tt.id))
			}
			w := httptest.NewRecorder()
			tt.pw.Write(w, r, tt.p)
			var body map[string]any
			json.Unmarshal(w.Body.Bytes(), &body)
			if body["instance"] != tt.want {
				t.Fatalf("instance %v, want %v", body["instance"], tt.want)
			}
		})
	}
}

func TestInstanceFromARequestIDIsOneRelativeSegment(t *testing.T) {
	tests := []struct {
		id   string
		want string // "" for no instance
	}{
		{"//evil.example/phish", "%2F%2Fevil.example%2Fphish"},
		{"https://evil.example", "https%3A%2F%2Fevil.example"},
		{"javascript:alert(1)", "javascript%3Aalert(1)"},
		{"/abs", "%2Fabs"},
		{"../x", "..%2Fx"},
		{"a/b", "a%2Fb"},
		{"%2F%2F", "%252F%252F"},
		{`\\evil.example`, "%5C%5Cevil.example"},
		{"a?b#c&d", "a%3Fb%23c%26d"},
		{".", ""},
		{"..", ""},
		{"...", "..."},
		{"0b9e3c1e-4f1a-4c59-9a43-0f6b1e2d3c4b", "0b9e3c1e-4f1a-4c59-9a43-0f6b1e2d3c4b"},
		{"01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV"},
		{"host.example.com/AbCdEfGhIj-000042", "host.example.com%2FAbCdEfGhIj-000042"},
		{"dGVzdA==", "dGVzdA=="},
		{"a@b~c_d+e", "a@b~c_d+e"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			pw := &problem.Writer{XML: true, RequestID: func(*http.Request) string { return tt.id }}
			for _, accept := range []string{"application/problem+json", "application/problem+xml"} {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Accept", accept)
				pw.Write(w, r, problem.NotFound(""))
				var got struct {
					Instance string `json:"instance" xml:"instance"`
				}
				if accept == "application/problem+xml" {
					xml.Unmarshal(w.Body.Bytes(), &got)
				} else {
					json.Unmarshal(w.Body.Bytes(), &got)
				}
				if got.Instance != tt.want {
					t.Fatalf("%s: instance %q, want %q", accept, got.Instance, tt.want)
				}
			}
			if tt.want == "" {
				return
			}
			u, err := url.Parse(tt.want)
			if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" ||
				strings.HasPrefix(tt.want, "/") || strings.Contains(u.EscapedPath(), "/") ||
				u.RawQuery != "" || u.Fragment != "" {
				t.Fatalf("instance %q is not one relative path segment: %#v, %v", tt.want, u, err)
			}
			if back, _ := url.PathUnescape(tt.want); back != tt.id {
				t.Fatalf("instance %q reads back as %q", tt.want, back)
			}
			base, _ := url.Parse("https://api.example/clouds/42")
			if got := base.ResolveReference(u); got.Host != "api.example" || !strings.HasPrefix(got.Path, "/clouds/") {
				t.Fatalf("instance %q resolves to %s", tt.want, got)
			}
		})
	}
}

// logTo returns a logger writing JSON lines into buf.
func logTo(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestServerErrorsHideTheCauseButLogIt(t *testing.T) {
	cause := errors.New(`pq: relation "users" does not exist`)
	for _, dev := range []bool{false, true} {
		var logs bytes.Buffer
		pw := &problem.Writer{Logger: logTo(&logs), Development: dev}
		r := httptest.NewRequest("GET", "/cloud", nil)
		r = r.WithContext(context.WithValue(r.Context(), chimw.RequestIDKey, "req-7"))
		w := httptest.NewRecorder()
		pw.Write(w, r, problem.FromError(cause))
		shown := strings.Contains(w.Body.String(), "relation")
		if shown != dev {
			t.Errorf("development %v: cause shown %v: %s", dev, shown, w.Body)
		}
		var entry map[string]any
		if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
			t.Fatalf("log is not one JSON line: %v: %s", err, logs.String())
		}
		if entry["level"] != "ERROR" || entry["request_id"] != "req-7" || entry["status"] != 500.0 ||
			!strings.Contains(entry["error"].(string), "relation") {
			t.Errorf("log entry %v", entry)
		}
	}
}

func TestClientErrorsLogAtDebug(t *testing.T) {
	var logs bytes.Buffer
	pw := &problem.Writer{Logger: logTo(&logs)}
	render(t, pw, "", problem.NotFound("x"))
	if !strings.Contains(logs.String(), `"level":"DEBUG"`) {
		t.Fatalf("log %q", logs.String())
	}
}

func TestWriteAfterTheResponseStartedOnlyLogs(t *testing.T) {
	var logs bytes.Buffer
	pw := &problem.Writer{Logger: logTo(&logs)}
	r := httptest.NewRequest("GET", "/", nil)
	rec := httptest.NewRecorder()
	w := chimw.NewWrapResponseWriter(rec, 1)
	w.Header().Set("Content-Type", "text/csv")
	w.WriteHeader(200)
	w.Write([]byte("a,b\n"))
	pw.Write(w, r, problem.InternalServerError("").WithCause(errors.New("stream broke")))
	if rec.Code != 200 || rec.Body.String() != "a,b\n" || rec.Header().Get("Content-Type") != "text/csv" {
		t.Fatalf("response corrupted: %d %q %q", rec.Code, rec.Header(), rec.Body)
	}
	if !strings.Contains(logs.String(), "already started") || !strings.Contains(logs.String(), "stream broke") {
		t.Fatalf("log %q", logs.String())
	}
}

// wait waits for pw's alert hooks, failing the test if they hang.
func wait(t *testing.T, pw *problem.Writer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a failsafe, not an ordering
	defer cancel()
	if err := pw.Wait(ctx); err != nil {
		t.Fatalf("alert hooks still running: %v", err)
	}
}

// collected gathers the alerts a Writer sends.
type collected struct {
	mu     sync.Mutex
	alerts []problem.Alert
}

func (c *collected) hook(_ context.Context, a problem.Alert) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.alerts = append(c.alerts, a)
}

func (c *collected) get() []problem.Alert {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.alerts
}

func TestAlertHook(t *testing.T) {
	t.Run("called for 5xx, not 4xx, without blocking the response", func(t *testing.T) {
		release := make(chan struct{})
		got := make(chan problem.Alert, 10)
		pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(ctx context.Context, a problem.Alert) {
			<-release
			got <- a
		}}
		r := httptest.NewRequest("POST", "/cloud", nil)
		r = r.WithContext(context.WithValue(r.Context(), chimw.RequestIDKey, "req-9"))
		pw.Write(httptest.NewRecorder(), r, problem.NotFound(""))
		w := httptest.NewRecorder()
		pw.Write(w, r, problem.FromError(errors.New("boom"))) // returns although the hook blocks
		if w.Code != 500 {
			t.Fatalf("status %d", w.Code)
		}
		close(release)
		wait(t, pw)
		if len(got) != 1 {
			t.Fatalf("%d alerts, want one for the 500 and none for the 404", len(got))
		}
		if a := <-got; a.Status != 500 || a.RequestID != "req-9" || a.Method != "POST" || a.Path != "/cloud" ||
			a.Err == nil || a.Err.Error() != "boom" || a.Type != "/problems/internal-server-error" {
			t.Errorf("alert %+v", a)
		}
	})
	t.Run("similar alerts are folded within the interval", func(t *testing.T) {
		clock := testkit.NewClock(time.Unix(1_700_000_000, 0))
		var c collected
		pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), AlertInterval: time.Minute, Alert: c.hook}
		problem.SetClock(pw, clock.Now)
		r := httptest.NewRequest("GET", "/", nil)
		for range 5 {
			pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("same")))
		}
		pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("other")))
		clock.Advance(time.Minute - time.Nanosecond)
		pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("same")))
		wait(t, pw)
		if n := len(c.get()); n != 2 {
			t.Fatalf("%d alerts within the interval, want 2", n)
		}
		clock.Advance(time.Nanosecond)
		pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("same")))
		wait(t, pw)
		alerts := c.get()
		if len(alerts) != 3 {
			t.Fatalf("%d alerts, want 3: %+v", len(alerts), alerts)
		}
		if last := alerts[2]; last.Err.Error() != "same" || last.Suppressed != 5 || !last.Time.Equal(clock.Now()) {
			t.Errorf("last alert %q suppressed %d at %v, want same/5 at %v", last.Err, last.Suppressed, last.Time, clock.Now())
		}
	})
	t.Run("a storm is bounded by the hooks in flight", func(t *testing.T) {
		started, release := make(chan struct{}, 20), make(chan struct{})
		var logs bytes.Buffer
		pw := &problem.Writer{Logger: logTo(&logs), MaxAlertsInFlight: 2,
			Alert: func(ctx context.Context, a problem.Alert) { started <- struct{}{}; <-release }}
		r := httptest.NewRequest("GET", "/", nil)
		for i := range 20 {
			pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New(strings.Repeat("x", i+1))))
		}
		close(release)
		wait(t, pw)
		if len(started) != 2 {
			t.Fatalf("%d hooks ran, want 2", len(started))
		}
		// 2 ran; the 18 others were dropped while they ran, before they
		// could spend the budget (10 by default) on alerts nobody received.
		if n := strings.Count(logs.String(), "too many alert hooks running"); n != 18 {
			t.Errorf("%d drops logged, want 18", n)
		}
	})
	t.Run("a panicking hook is logged and counted out", func(t *testing.T) {
		var logs bytes.Buffer
		pw := &problem.Writer{Logger: logTo(&logs), MaxAlertsInFlight: 1,
			Alert: func(context.Context, problem.Alert) { panic("hook bug") }}
		r := httptest.NewRequest("GET", "/", nil)
		for _, cause := range []string{"first", "second"} {
			pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New(cause)))
			wait(t, pw)
		}
		if n := strings.Count(logs.String(), "alert hook panicked"); n != 2 || !strings.Contains(logs.String(), "hook bug") {
			t.Errorf("log %q, want two panics logged with their value", logs.String())
		}
	})
	t.Run("a hook and a logger that both panic end no process", func(t *testing.T) {
		pw := &problem.Writer{Logger: slog.New(panickingHandler{on: "alert hook panicked"}),
			Alert: func(context.Context, problem.Alert) { panic("hook bug") }}
		pw.Write(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), problem.FromError(errors.New("x")))
		wait(t, pw) // the hook's goroutine returned: the test binary is still alive
	})
	t.Run("Wait gives up when its context is done", func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(context.Context, problem.Alert) { <-release }}
		pw.Write(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil), problem.FromError(errors.New("x")))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := pw.Wait(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait with a hook blocked and a cancelled context: %v", err)
		}
		if err := (&problem.Writer{}).Wait(ctx); err != nil {
			t.Errorf("Wait on a writer without alerts: %v", err)
		}
	})
}

func TestWriterMiddlewareSelectsTheWriter(t *testing.T) {
	cat := problem.NewCatalog("https://errors.example.com/")
	cat.MustRegister(problem.DefaultTypes()...)
	pw := &problem.Writer{Catalog: cat}
	r := chi.NewRouter()
	r.Use(pw.Handler)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) { problem.Write(w, r, problem.Forbidden("")) })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(w.Body.String(), `"type":"https://errors.example.com/forbidden"`) {
		t.Fatalf("body %s", w.Body)
	}
}

func TestDeliberateServerErrorsAreNotAlerted(t *testing.T) {
	var logs bytes.Buffer
	alerts := make(chan problem.Alert, 1)
	pw := &problem.Writer{Logger: logTo(&logs), Alert: func(_ context.Context, a problem.Alert) { alerts <- a }}
	w, body := render(t, pw, "", problem.BadGateway("API is down, or being upgraded.").Deliberate())
	if w.Code != 502 || body["status"] != 502.0 {
		t.Fatalf("status %d %v", w.Code, body["status"])
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) || !strings.Contains(logs.String(), `"level":"DEBUG"`) {
		t.Errorf("log %q", logs.String())
	}
	wait(t, pw)
	if len(alerts) != 0 {
		t.Errorf("alerted: %+v", <-alerts)
	}
}

type keyedErr struct{ key, text string }

func (e keyedErr) Error() string    { return e.text }
func (e keyedErr) AlertKey() string { return e.key }

func TestAlertBudgetAndKeys(t *testing.T) {
	t.Run("causes with one AlertKey are one kind", func(t *testing.T) {
		var c collected
		pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: c.hook}
		r := httptest.NewRequest("GET", "/", nil)
		for i := range 5 {
			pw.Write(httptest.NewRecorder(), r, problem.FromError(keyedErr{"bug-1", strings.Repeat("x", i)}))
		}
		wait(t, pw)
		if n := len(c.get()); n != 1 {
			t.Fatalf("%d alerts", n)
		}
	})
	t.Run("distinct kinds share a budget per interval", func(t *testing.T) {
		clock := testkit.NewClock(time.Unix(1_700_000_000, 0))
		var c collected
		pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), MaxAlerts: 5, MaxAlertsInFlight: 10, AlertInterval: time.Minute, Alert: c.hook}
		problem.SetClock(pw, clock.Now)
		r := httptest.NewRequest("GET", "/", nil)
		for i := range 30 {
			pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("kind "+strconv.Itoa(i))))
		}
		clock.Advance(time.Minute / 10) // half an alert's worth of refill
		pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("too soon")))
		wait(t, pw)
		if n := len(c.get()); n != 5 {
			t.Fatalf("%d alerts, want the budget of 5", n)
		}
		clock.Advance(time.Minute / 10)
		pw.Write(httptest.NewRecorder(), r, problem.FromError(errors.New("after the refill")))
		wait(t, pw)
		got := c.get()
		if len(got) != 6 {
			t.Fatalf("%d alerts, want the budget of 5 and one after the refill", len(got))
		}
		if last := got[5]; last.Err.Error() != "after the refill" || last.Dropped != 26 {
			t.Fatalf("last alert %q dropped %d, want 26", last.Err, last.Dropped)
		}
	})
}

// A slug the catalog does not hold is a mistake in the code: the problem
// keeps the status it was given, and the log says what to change.
func TestUnregisteredTypeIsReported(t *testing.T) {
	for _, tt := range []struct {
		p      *problem.Problem
		status int
	}{
		{&problem.Problem{Type: "edit-conflict", Status: 409, Detail: "x"}, 409},
		{&problem.Problem{Type: "edit-conflict", Detail: "x"}, 500},
	} {
		var logs bytes.Buffer
		pw := &problem.Writer{Catalog: problem.NewCatalog("/p/"), Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		rec := httptest.NewRecorder()
		pw.Write(rec, httptest.NewRequest("GET", "/", nil), tt.p)
		if rec.Code != tt.status {
			t.Errorf("status %d, want %d", rec.Code, tt.status)
		}
		if !strings.Contains(logs.String(), `type \"edit-conflict\" is not in the writer's catalog: register it`) {
			t.Errorf("log %q does not name the fix", logs.String())
		}
	}
}

// A client that leaves mid-stream makes the handler return a canceled
// context after the response started: the writer logs that the problem was
// not sent, but a deliberate 5xx pages nobody, started or not.
func TestDeliberateProblemAfterTheResponseStartedIsNotAlerted(t *testing.T) {
	var logs bytes.Buffer
	var c collected
	pw := &problem.Writer{Logger: logTo(&logs), Alert: c.hook}
	w := chimw.NewWrapResponseWriter(httptest.NewRecorder(), 1)
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("a,b\n"))
	pw.Write(w, httptest.NewRequest("GET", "/export", nil), problem.FromError(context.Canceled))
	wait(t, pw)
	if a := c.get(); len(a) != 0 {
		t.Errorf("alerted: %+v", a)
	}
	if !strings.Contains(logs.String(), "already started") || strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("log %q", logs.String())
	}
}

// panickingHandler is a slog handler that panics on a record whose
// message contains on, and drops the others.
type panickingHandler struct{ on string }

func (h panickingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h panickingHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.on) {
		panic("logger bug")
	}
	return nil
}
func (h panickingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h panickingHandler) WithGroup(string) slog.Handler      { return h }
