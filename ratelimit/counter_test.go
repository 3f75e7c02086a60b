package ratelimit

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/httprate"
)

// slowCounter is an httprate.LimitCounter with a remote counter's latency.
type slowCounter struct {
	httprate.LimitCounter
	delay time.Duration
}

func (s slowCounter) Get(key string, cur, prev time.Time) (int, int, error) {
	time.Sleep(s.delay)
	return s.LimitCounter.Get(key, cur, prev)
}

// Requests for different keys do not wait for each other's round trips to
// a foreign counter, as they would behind one limiter-wide lock.
func TestForeignCounterDoesNotSerializeKeys(t *testing.T) {
	const delay, clients = 100 * time.Millisecond, 8
	h := router(Limit(10, time.Hour, CountInLimitCounter(slowCounter{httprate.NewLocalLimitCounter(time.Hour), delay})))
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			if w := do(h, "/other", "192.0.2."+strconv.Itoa(i+1)+":1"); w.Code != http.StatusOK {
				t.Errorf("client %d: %d", i, w.Code)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took > clients*delay/2 {
		t.Errorf("%d clients took %v with a %v counter: serialized", clients, took, delay)
	}
}
