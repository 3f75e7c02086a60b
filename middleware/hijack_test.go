package middleware

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// WebSocket libraries upgrade a GET by asserting http.Hijacker on the
// writer: the middlewares that wrap it keep that working.
func TestWrappersHandTheConnectionOver(t *testing.T) {
	upgrade := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("the writer is no http.Hijacker")
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		conn, rw, err := hj.Hijack()
		if err != nil {
			t.Errorf("Hijack: %v", err)
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nhello")
		rw.Flush()
	})
	for name, h := range map[string]http.Handler{
		"Conditional":     Conditional(upgrade),
		"TranslateErrors": TranslateErrors(upgrade),
		"both":            TranslateErrors(Conditional(upgrade)),
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "test")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusSwitchingProtocols {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			rwc, ok := resp.Body.(io.ReadWriteCloser)
			if !ok {
				t.Fatalf("body %T is not the connection", resp.Body)
			}
			line, _ := bufio.NewReader(rwc).ReadString('o')
			if line != "hello" {
				t.Errorf("read %q after the upgrade", line)
			}
		})
	}
}

// A writer that cannot hijack makes Hijack fail, not panic.
func TestHijackWithoutSupportFails(t *testing.T) {
	rec := httptest.NewRecorder()
	cw := &conditionalWriter{ResponseWriter: rec}
	if _, _, err := cw.Hijack(); err == nil {
		t.Error("Conditional's writer hijacked a recorder")
	}
	tw := &translateWriter{ResponseWriter: rec}
	if _, _, err := tw.Hijack(); err == nil {
		t.Error("TranslateErrors' writer hijacked a recorder")
	}
}

// A handler that took the connection over and then returned an error
// owns the connection: below TranslateErrors, the problem for the error
// is logged as after the response started, not written on it, which
// net/http would refuse and log.
func TestErrorAfterAHijackBelowTranslateErrorsWritesNothing(t *testing.T) {
	h := TranslateErrors(problem.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if _, _, err := w.(http.Hijacker).Hijack(); err != nil {
			t.Errorf("Hijack: %v", err)
		}
		return errors.New("after the upgrade")
	}))
	w := testkit.NewHijackable()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Hijacked != 1 || w.WritesAfter != 0 {
		t.Fatalf("hijacked %d times, %d writes on the hijacked connection", w.Hijacked, w.WritesAfter)
	}
}
