package middleware

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

// An upstream that crashes resets every pooled connection to it, and each
// error names its connection's local port: still one kind of alert, not
// one alert per connection until the budget is spent.
func TestAnUpstreamsResetsOnSeveralConnectionsAreOneAlert(t *testing.T) {
	var alerts atomic.Int32
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(context.Context, problem.Alert) { alerts.Add(1) }}
	upstream := &net.TCPAddr{IP: net.IPv4(10, 0, 0, 7), Port: 8080}
	h := pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		port := 50000 + len(r.URL.Query().Get("n"))
		reset := &net.OpError{Op: "read", Net: "tcp", Source: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: port},
			Addr: upstream, Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}
		ProxyErrorHandler(w, r, fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w", reset))
	}))
	for n := range 5 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, testkit.Request("GET", fmt.Sprintf("/?n=%0*d", n+1, 0), ""))
		testkit.Problem(t, rec, http.StatusBadGateway)
	}
	if err := pw.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := alerts.Load(); n != 1 {
		t.Errorf("%d alerts for one upstream's resets on 5 connections, want 1", n)
	}
}
