package bind_test

import (
	"errors"
	"io"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/chiguard/chiguard/middleware/bind"
)

// brokenBody sends a few bytes of a body and then fails, as the body of a
// client that went away, or stalled until the server's ReadTimeout, does.
type brokenBody struct{ sent bool }

func (b *brokenBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"name":`), nil
	}
	return 0, io.ErrUnexpectedEOF
}

func (b *brokenBody) Close() error { return nil }

// What a body costs is bounded by what arrived, not by what its
// Content-Length claims: a client that claims 1 MiB and sends eight bytes
// must not make the server set aside 1 MiB for it, or a few thousand
// connections that stall after their headers hold gigabytes.
func TestMemoryForABodyIsBoundedByWhatArrived(t *testing.T) {
	const requests = 16
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range requests {
		r := httptest.NewRequest("POST", "/cloud", nil)
		r.Header.Set("Content-Type", "application/json")
		r.Body, r.ContentLength = &brokenBody{}, bind.DefaultMaxBodyBytes
		var v newCloud
		err := bind.DecodeJSON(httptest.NewRecorder(), r, &v)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("error %v, want the body's own", err)
		}
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > requests*64<<10 {
		t.Errorf("%d bodies of eight bytes, each claiming %d, allocated %d bytes", requests, bind.DefaultMaxBodyBytes, got)
	}
}
