package auth

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Anyone can make an inactive answer: it takes a made-up token. A flood of
// them, cached for NegativeTTL, must not evict the answers of valid tokens,
// or every client's next request would ask the authorization server again.
func TestMadeUpTokensDoNotEvictTheAnswersOfValidOnes(t *testing.T) {
	srv := newIntrospectionServer(t)
	const valid = 20
	for i := range valid {
		srv.set(fmt.Sprint("valid-", i), map[string]any{"active": true, "sub": fmt.Sprint("user-", i), "aud": "api"})
	}
	v := newTestIntrospection(t, srv, func(c *IntrospectionConfig) { c.CacheBytes = 256 << 10 })
	verifyAll := func() {
		t.Helper()
		for i := range valid {
			if _, err := v.Verify(context.Background(), fmt.Sprint("valid-", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	verifyAll()
	calls := srv.calls.Load()

	pad := strings.Repeat("x", 4<<10)
	for i := range 1000 { // 4 MiB of inactive answers, 16 times the budget
		if _, err := v.Verify(context.Background(), fmt.Sprint("made-up-", i, pad)); err == nil {
			t.Fatal("a made-up token passed")
		}
	}
	calls2 := srv.calls.Load()
	verifyAll()
	if n := srv.calls.Load() - calls2; n != 0 {
		t.Errorf("%d of %d valid tokens asked about again after a flood of made-up ones (%d calls before)", n, valid, calls)
	}
}
