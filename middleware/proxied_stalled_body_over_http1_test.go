package middleware

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chiguard/chiguard/problem"
)

// proxyFront serves a ReverseProxy with ProxyErrorHandler behind a problem
// writer, over HTTP/1 or HTTP/2, with the server's ReadTimeout set.
func proxyFront(t *testing.T, transport http.RoundTripper, h2 bool, readTimeout time.Duration) (*httptest.Server, *problem.Writer, *atomic.Int32) {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	t.Cleanup(up.Close)
	target, _ := url.Parse(up.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	if transport != nil {
		proxy.Transport = transport
	}
	proxy.ErrorHandler = ProxyErrorHandler
	proxy.ErrorLog = log.New(io.Discard, "", 0)
	var alerts atomic.Int32
	pw := &problem.Writer{Logger: slog.New(slog.DiscardHandler), Alert: func(context.Context, problem.Alert) { alerts.Add(1) }}
	front := httptest.NewUnstartedServer(pw.Handler(proxy))
	front.Config.ReadTimeout = readTimeout
	front.Config.ErrorLog = log.New(io.Discard, "", 0)
	if h2 {
		front.EnableHTTP2 = true
		front.StartTLS()
	} else {
		front.Start()
	}
	t.Cleanup(front.Close)
	// Warm the client's connection: the TLS handshake and the first
	// request's setup, slow on a loaded machine, must not eat into the
	// ReadTimeout of the request under test.
	res, err := front.Client().Get(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return front, pw, &alerts
}

// A client that stops sending its body over HTTP/1 is still there when the
// server's ReadTimeout passes (net/http cancels the request's context for
// it all the same): it gets the 400, not an empty 200 that says its upload
// went through.
func TestProxiedBodyStalledOverHTTP1IsTheClients400(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		front, pw, alerts := proxyFront(t, nil, h2, 500*time.Millisecond)
		body, stall := io.Pipe()
		answered := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			stall.Write([]byte("partial"))
			<-answered // the client sends no more until it has its answer
			stall.Close()
		}()
		req, _ := http.NewRequest("POST", front.URL, body)
		req.ContentLength = 1000
		res, err := front.Client().Do(req)
		close(answered)
		wg.Wait()
		if err != nil {
			t.Fatalf("HTTP/2 %v: %v", h2, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		pw.Wait(context.Background())
		if res.StatusCode != http.StatusBadRequest || alerts.Load() != 0 {
			t.Errorf("%s: status %d %q, %d alerts: a stalled body must be the client's 400", res.Proto, res.StatusCode, b, alerts.Load())
		}
	}
}
