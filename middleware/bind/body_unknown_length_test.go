package bind_test

import (
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/chiguard/chiguard/middleware/bind"
)

// A small body of unknown length (chunked on HTTP/1.1, an HTTP/2 request
// without content-length) costs room in step with its size, as one whose
// Content-Length tells it does, not the largest room set aside before a
// body arrives.
func TestMemoryForAChunkedBodyFollowsItsSize(t *testing.T) {
	const requests = 64
	body := `{"name":"nimbus"}`
	perRequest := func(length int64) uint64 {
		decode := func() {
			r := httptest.NewRequest("POST", "/cloud", nil)
			r.Header.Set("Content-Type", "application/json")
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(body)), length
			var v newCloud
			if err := bind.DecodeJSON(httptest.NewRecorder(), r, &v); err != nil {
				t.Fatal(err)
			}
		}
		decode()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range requests {
			decode()
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / requests
	}
	known, unknown := perRequest(int64(len(body))), perRequest(-1)
	if unknown > known+2<<10 {
		t.Errorf("a body of %d bytes allocated %d bytes a request chunked, %d with its Content-Length", len(body), unknown, known)
	}
}
