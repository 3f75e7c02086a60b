package bind

import (
	"bytes"
	"io"
	"net/http/httptest"
	"runtime"
	"testing"
)

// A body of unknown length that reaches the limit, which may be legal or
// one byte short of a 413, is read into room that grew to the limit and
// one byte to see the end, not to the limit and then again to one byte
// more: where fourfold growth from 512 bytes lands on the limit (2 KiB,
// 32 KiB, 512 KiB) that last step copied the whole body once more.
func TestABodyAtTheLimitIsNotCopiedForItsLastByte(t *testing.T) {
	for _, limit := range []int64{2 << 10, 32 << 10, 512 << 10} {
		body := bytes.Repeat([]byte("a"), int(limit))
		r, w := httptest.NewRequest("POST", "/", nil), httptest.NewRecorder()
		r.ContentLength = -1
		read := func() {
			r.Body = io.NopCloser(bytes.NewReader(body))
			if got, err := readBody(w, r, limit); err != nil || len(got) != len(body) {
				t.Fatalf("limit %d: %d bytes, %v", limit, len(got), err)
			}
		}
		read()
		const runs = 16
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			read()
		}
		runtime.ReadMemStats(&after)
		if perRead := (after.TotalAlloc - before.TotalAlloc) / runs; perRead > 2*uint64(limit) {
			t.Errorf("limit %d: a body at the limit allocated %d bytes", limit, perRead)
		}
	}
}
