package ratelimit

import (
	"context"
	"errors"
	"hash/maphash"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/httprate"
)

// overlapCounter is an httprate.LimitCounter whose Get, like a remote
// counter's round trip, lasts until n Gets are in flight at once.
type overlapCounter struct {
	httprate.LimitCounter
	n   int
	mu  sync.Mutex
	in  int
	all chan struct{}
}

func (o *overlapCounter) Get(key string, cur, prev time.Time) (int, int, error) {
	o.mu.Lock()
	if o.in++; o.in == o.n {
		close(o.all)
	}
	o.mu.Unlock()
	failsafe := time.NewTimer(10 * time.Second) // fails the test instead of hanging it
	defer failsafe.Stop()
	select {
	case <-o.all:
		return o.LimitCounter.Get(key, cur, prev)
	case <-failsafe.C:
		return 0, 0, errors.New("the Gets of different keys never overlapped")
	}
}

// Requests for different keys do not wait for each other's round trips to
// a foreign counter, as they would behind one limiter-wide lock: eight
// keys of eight lock stripes are all in their round trip at once.
func TestForeignCounterDoesNotSerializeKeys(t *testing.T) {
	const clients = 8
	oc := &overlapCounter{LimitCounter: httprate.NewLocalLimitCounter(time.Hour), n: clients, all: make(chan struct{})}
	p := Policy{Name: "default", Quota: 10, Window: time.Hour}
	lc := newLimitCounter(oc, p)
	stripes := map[uint64]bool{}
	var keys []string
	for i := 0; len(keys) < clients; i++ {
		key := "client-" + strconv.Itoa(i)
		if s := maphash.String(lc.seed, key) % uint64(len(lc.locks)); !stripes[s] {
			stripes[s] = true
			keys = append(keys, key)
		}
	}
	var wg sync.WaitGroup
	for _, key := range keys {
		wg.Go(func() {
			usage := make([]Usage, 1)
			if ok, err := lc.Take(context.Background(), key, 1, []Policy{p}, usage); !ok || err != nil {
				t.Errorf("%s: taken %v, %v", key, ok, err)
			}
		})
	}
	wg.Wait()
}
