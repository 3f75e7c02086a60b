package problem_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/rawhttp"
	"github.com/chiguard/chiguard/problem"
)

// answerTimeout bounds how long a test waits for an answer that should
// come at once; a server that waits for the rest of the body runs into it.
const answerTimeout = 5 * time.Second

// refuse writes a 401 without looking at the body.
var refuse = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	problem.Write(w, r, problem.Unauthorized(""))
})

func TestRefusalWithTheBodyUnreadArrivesAtOnce(t *testing.T) {
	pw := &problem.Writer{}
	tests := []struct {
		name    string
		handler http.Handler
		request string // sent, then the client stalls
	}{
		{"writer middleware", pw.Handler(refuse),
			"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabcd"},
		{"default writer", refuse,
			"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabcd"},
		{"chunked body", pw.Handler(refuse),
			"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n"},
		{"huge Content-Length", pw.Handler(refuse),
			"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000\r\n\r\nabcd"},
		{"expecting 100-continue", pw.Handler(refuse),
			"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			t.Cleanup(srv.Close)
			c := rawhttp.Dial(t, srv.Listener.Addr().String(), answerTimeout)
			c.Send(tt.request)
			resp, body := c.Response()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401 (no 100 Continue either)", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p map[string]any
			if err := json.Unmarshal(body, &p); err != nil || p["status"] != 401.0 || p["type"] != "/problems/unauthorized" {
				t.Errorf("body %s (%v)", body, err)
			}
			if !resp.Close {
				t.Errorf("Connection = %q, want close: the rest of the body is still on the wire", resp.Header.Get("Connection"))
			}
			if !c.Closed() {
				t.Error("the server still holds the connection, draining a body that will not come")
			}
		})
	}
}

func TestRefusalAfterTheBodyWasReadKeepsTheConnection(t *testing.T) {
	pw := &problem.Writer{}
	tests := []struct {
		name      string
		handler   http.Handler
		wantClose bool
	}{
		{"read to the end", pw.Handler(readThenRefuse(-1)), false},
		{"closed by the handler", pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body.Close()
			refuse(w, r)
		})), false},
		{"read in part", pw.Handler(readThenRefuse(2)), true},
		{"read to the end without the middleware", readThenRefuse(-1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			t.Cleanup(srv.Close)
			c := rawhttp.Dial(t, srv.Listener.Addr().String(), answerTimeout)
			c.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd")
			resp, _ := c.Response()
			if resp.StatusCode != http.StatusUnauthorized || resp.Close != tt.wantClose {
				t.Fatalf("status %d, Connection %q; want 401, close %v",
					resp.StatusCode, resp.Header.Get("Connection"), tt.wantClose)
			}
			if tt.wantClose {
				return
			}
			c.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
			if resp, _ := c.Response(); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("second request on the connection: status %d", resp.StatusCode)
			}
		})
	}
}

// readThenRefuse reads n bytes of the body (all of it if n < 0) and
// answers 401.
func readThenRefuse(n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n < 0 {
			io.Copy(io.Discard, r.Body)
		} else {
			io.CopyN(io.Discard, r.Body, n)
		}
		refuse(w, r)
	})
}

func TestConnectionCloseOnlyWhenTheBodyMayBeUnread(t *testing.T) {
	pw := &problem.Writer{}
	readAll := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		refuse(w, r)
	}
	tests := []struct {
		name      string
		method    string
		body      io.Reader
		http2     bool
		handler   http.Handler
		wantClose bool
	}{
		{"no body", "GET", nil, false, refuse, false},
		{"no body, middleware", "GET", nil, false, pw.Handler(refuse), false},
		{"empty body, middleware", "POST", strings.NewReader(""), false, pw.Handler(refuse), false},
		{"body unread", "POST", strings.NewReader("abcd"), false, pw.Handler(refuse), true},
		{"body of unknown length unread", "POST", io.MultiReader(strings.NewReader("abcd")), false, pw.Handler(refuse), true},
		{"body read", "POST", strings.NewReader("abcd"), false, pw.Handler(http.HandlerFunc(readAll)), false},
		{"body, no middleware", "POST", strings.NewReader("abcd"), false, refuse, true},
		{"body unread, HTTP/2", "POST", strings.NewReader("abcd"), true, pw.Handler(refuse), false},
		{"body, no middleware, HTTP/2", "POST", strings.NewReader("abcd"), true, refuse, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/", tt.body)
			if tt.http2 {
				r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/2.0", 2, 0
			}
			w := httptest.NewRecorder()
			tt.handler.ServeHTTP(w, r)
			if got := w.Header().Get("Connection") == "close"; got != tt.wantClose {
				t.Fatalf("Connection %q, want close %v", w.Header().Get("Connection"), tt.wantClose)
			}
		})
	}
}

func TestWatchedBodyKeepsMaxBytesErrors(t *testing.T) {
	pw := &problem.Writer{}
	limit := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = http.MaxBytesReader(w, r.Body, 2)
			next.ServeHTTP(w, r)
		})
	}
	decode := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		if _, ok := errors.AsType[*http.MaxBytesError](err); !ok {
			t.Errorf("error %v, want a *http.MaxBytesError", err)
		}
		problem.Write(w, r, problem.FromError(err))
	})
	tests := []struct {
		name string
		h    http.Handler
	}{
		{"limit inside the writer middleware", pw.Handler(limit(decode))},
		{"limit outside the writer middleware", limit(pw.Handler(decode))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.h.ServeHTTP(w, httptest.NewRequest("POST", "/", strings.NewReader("abcd")))
			if w.Code != http.StatusRequestEntityTooLarge || w.Header().Get("Connection") != "close" {
				t.Fatalf("status %d, Connection %q; want 413, close", w.Code, w.Header().Get("Connection"))
			}
		})
	}
}
