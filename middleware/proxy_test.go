package middleware

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/testkit"
	"github.com/chiguard/chiguard/problem"
)

func TestProxyErrorHandler(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
	}{
		{"refused", errors.New("dial tcp 10.0.0.7:8080: connect: connection refused"), http.StatusBadGateway},
		{"context deadline", context.DeadlineExceeded, http.StatusGatewayTimeout},
		{"network timeout", &timeoutErr{}, http.StatusGatewayTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			ProxyErrorHandler(rec, testkit.Request("GET", "/", ""), tt.err)
			testkit.Problem(t, rec, tt.status)
			if strings.Contains(rec.Body.String(), "10.0.0.7") {
				t.Errorf("body leaks the upstream: %s", rec.Body)
			}
		})
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }

func TestProxyErrorHandlerClientGone(t *testing.T) {
	var logs bytes.Buffer
	pw := &problem.Writer{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := testkit.Request("GET", "/", "").WithContext(ctx)
	rec := httptest.NewRecorder()
	pw.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ProxyErrorHandler(w, r, context.Canceled)
	})).ServeHTTP(rec, r)
	if rec.Body.Len() != 0 || logs.Len() != 0 {
		t.Fatalf("wrote %q, logged %q", rec.Body, logs.String())
	}
}

func TestProxyErrorHandlerWithReverseProxy(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers: the proxy gives up
	}))
	defer slow.Close()
	target, _ := url.Parse(slow.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorHandler = ProxyErrorHandler
	proxy.ErrorLog = nil
	// The transport's own timer is the subject: 50 ms of real time.
	proxy.Transport = &http.Transport{ResponseHeaderTimeout: 50 * time.Millisecond}
	rec := testkit.Serve(proxy, testkit.Request("GET", "/", ""))
	testkit.Problem(t, rec, http.StatusGatewayTimeout)

	down := httptest.NewServer(http.NotFoundHandler())
	downURL, _ := url.Parse(down.URL)
	down.Close()
	proxy = httputil.NewSingleHostReverseProxy(downURL)
	proxy.ErrorHandler = ProxyErrorHandler
	testkit.Problem(t, testkit.Serve(proxy, testkit.Request("GET", "/", "")), http.StatusBadGateway)
}
