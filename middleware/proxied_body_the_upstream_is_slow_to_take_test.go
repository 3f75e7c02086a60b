package middleware

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowTaker is an upstream connection that takes a request body slowly:
// it reads a little, then its writes block (the upstream does not read)
// past the front server's ReadTimeout, while the client has sent the body
// in full, as fast as the proxy let it.
type slowTaker struct{ stall time.Duration }

func (s slowTaker) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.ContentLength == 0 { // the warm-up request
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
	}
	buf := make([]byte, 32<<10)
	if _, err := req.Body.Read(buf); err != nil {
		return nil, err
	}
	time.Sleep(s.stall)
	if _, err := io.Copy(io.Discard, req.Body); err != nil {
		return nil, fmt.Errorf("writing the body upstream: %w", err)
	}
	return nil, fmt.Errorf("the upstream closed the connection")
}

// The server's ReadTimeout passes while the proxy waits on an upstream that
// does not take the body: the upstream's 504, alerted, not a 400 blaming a
// client that sent everything (over HTTP/1 and HTTP/2 alike).
func TestProxiedBodyTheUpstreamIsSlowToTakeIsA504(t *testing.T) {
	for _, h2 := range []bool{false, true} {
		// Real time decides here, and a loaded machine can blur it: the
		// client's write may fail before it reads the 504 (which goes out
		// while the upstream does not take the body, and closes the
		// connection), or a starved client may really be slow to send, so
		// that the proxy's reads wait on it. Either says nothing of the
		// code: a 504 in one of three attempts does, and a code that
		// blames the client fails all three.
		var got string
		for attempt := 1; attempt <= 3; attempt++ {
			front, pw, alerts := proxyFront(t, slowTaker{stall: 1500 * time.Millisecond}, h2, 500*time.Millisecond)
			res, err := front.Client().Post(front.URL, "text/plain", strings.NewReader(strings.Repeat("x", 4<<20)))
			if err != nil {
				got = err.Error()
				t.Logf("HTTP/2 %v, attempt %d: %v", h2, attempt, err)
				continue
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			pw.Wait(context.Background())
			if res.StatusCode == http.StatusGatewayTimeout && alerts.Load() == 1 {
				got = ""
				break
			}
			got = fmt.Sprintf("%s: status %d %q, %d alerts", res.Proto, res.StatusCode, b, alerts.Load())
			t.Logf("HTTP/2 %v, attempt %d: %s", h2, attempt, got)
		}
		if got != "" {
			t.Errorf("HTTP/2 %v: %s: the upstream's slowness was blamed on the client", h2, got)
		}
	}
}
