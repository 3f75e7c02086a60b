package middleware

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
)

// A handler that took the connection over (a WebSocket) and then panicked
// owns the connection: Recoverer writes no 500 on it, which net/http
// would refuse and log, but logs the panic as after the response started.
func TestRecovererWritesNothingOnAHijackedConnection(t *testing.T) {
	var logs bytes.Buffer
	h := semPanicServer(&logs, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, err := http.NewResponseController(w).Hijack(); err != nil {
			t.Errorf("Hijack: %v", err)
		}
		panic("after the upgrade")
	}))
	w := testkit.NewHijackable()
	serveAborted(t, h, w)
	if w.Hijacked != 1 {
		t.Fatalf("hijacked %d times", w.Hijacked)
	}
	if w.WritesAfter != 0 {
		t.Errorf("%d writes on the hijacked connection", w.WritesAfter)
	}
	if !strings.Contains(logs.String(), "response already started") || !strings.Contains(logs.String(), "after the upgrade") {
		t.Errorf("the panic is not logged as after the response started:\n%s", logs.String())
	}
}

// Without the problem writer's Handler before it (problem.DefaultWriter
// answering), or behind a second Recoverer, Recoverer keeps no shared
// state: its own wrapper must still see the hijack and write nothing on
// the connection.
func TestRecovererWithoutTheWriterWritesNothingOnAHijackedConnection(t *testing.T) {
	var inner http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, err := http.NewResponseController(w).Hijack(); err != nil {
			t.Errorf("Hijack: %v", err)
		}
		panic("after the upgrade")
	})
	for name, h := range map[string]http.Handler{
		"alone":              Recoverer(inner),
		"behind a Recoverer": semPanicServer(&bytes.Buffer{}, nil, Recoverer(inner)),
	} {
		t.Run(name, func(t *testing.T) {
			w := testkit.NewHijackable()
			serveAborted(t, h, w)
			if w.WritesAfter != 0 {
				t.Errorf("%d writes on the hijacked connection", w.WritesAfter)
			}
		})
	}
}

// unwrapOnly is a wrapper in the style http.ResponseController suits: it
// has none of the optional interfaces, only Unwrap to a writer that has.
type unwrapOnly struct{ http.ResponseWriter }

func (u unwrapOnly) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// flushCounting is a hijackable recorder that counts the writes after a
// flush, which sent the header, as those after a hijack.
type flushCounting struct{ *testkit.Hijackable }

func (f flushCounting) Flush() { f.Hijacked++ }

// A handler reaches the connection through http.ResponseController, which
// walks Unwrap: below a wrapper without Hijacker or Flusher of its own,
// Recoverer's recorder has none either, and the controller passes it by.
// A hijack or a flush made that way still starts the response, so a panic
// after it writes no 500.
func TestRecovererSeesAHijackOrAFlushThroughUnwrap(t *testing.T) {
	for name, use := range map[string]func(http.ResponseWriter) error{
		"hijack": func(w http.ResponseWriter) error { _, _, err := http.NewResponseController(w).Hijack(); return err },
		"flush":  func(w http.ResponseWriter) error { return http.NewResponseController(w).Flush() },
	} {
		inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := use(w); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			panic("after the response started")
		})
		for order, h := range map[string]http.Handler{
			"with the writer":    semPanicServer(&bytes.Buffer{}, nil, inner),
			"without the writer": Recoverer(inner),
		} {
			t.Run(name+" "+order, func(t *testing.T) {
				w := flushCounting{testkit.NewHijackable()}
				serveAborted(t, h, unwrapOnly{w})
				if w.Hijacked != 1 || w.WritesAfter != 0 {
					t.Errorf("%d writes after the %s", w.WritesAfter, name)
				}
			})
		}
	}
}

// serveAborted serves a GET through h to w, and fails t unless the
// response was aborted (http.ErrAbortHandler), as after it started.
func serveAborted(t *testing.T, h http.Handler, w http.ResponseWriter) {
	t.Helper()
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	h.ServeHTTP(w, testkit.Request("GET", "/", ""))
}
