package rediscount

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// coalescer sends the takes of concurrent requests together, in batches: Redis and the client then read, write and run many
// takes per system call and per script instead of one, which is most of
// a take's cost to both. A take that finds fewer than maxSending batches
// on their way sends one at once, with itself and the takes queued so
// far; otherwise it queues, and when a batch returns, the oldest queued
// take sends the queue. It runs no goroutine: the takes' own goroutines
// send. Each take still costs one round trip: its command's, shared with
// the other takes of its batch.
//
// A batch's deadline is its oldest take's start plus the timeout, on a
// context of its own: a take whose request goes away leaves its batch
// alone. The client must apply deadlines to its sockets
// (ContextTimeoutEnabled), so that no batch outlives its deadline: a
// queued take then waits for the batches before it at most until its own
// deadline.
type coalescer struct {
	client  goredis.UniversalClient
	timeout time.Duration
	// together: a batch goes in one script, as a single node runs it;
	// else one script a take, in one pipeline (Cluster, Ring, a proxy
	// that refused a script over several slots).
	together atomic.Bool

	mu      sync.Mutex
	queue   []*call // oldest first
	sending int     // batches on their way, at most maxSending

	calls sync.Pool // of *call, for reuse
}

// maxSending is how many batches of a Counter may be on their way at once;
// maxBatch bounds the takes in one, and so the time a script holds Redis.
const (
	maxSending = 4
	maxBatch   = 128
)

// call is one take in a coalescer.
type call struct {
	part
	start time.Time
	state callState     // guarded by coalescer.mu
	ready chan struct{} // signalled once: the reply is in, or the call leads
}

type callState uint8

const (
	queued  callState = iota
	sent              // in a batch; reply and err are set before ready
	leading           // sends the queue next
)

// get returns a call to fill and pass to do.
func (co *coalescer) get() *call {
	if cl, ok := co.calls.Get().(*call); ok {
		return cl
	}
	return &call{ready: make(chan struct{}, 1)}
}

// put recycles a call that do returned without error, once its reply is
// read.
func (co *coalescer) put(cl *call) {
	cl.reply, cl.err, cl.state = nil, nil, queued
	co.calls.Put(cl)
}

// do sends cl's take in a batch and sets its reply. It returns cl.err, or
// ctx's error if ctx ends first: cl then belongs to the batch that may
// still send it, and must not be put back.
func (co *coalescer) do(ctx context.Context, cl *call) error {
	cl.start = time.Now()
	co.mu.Lock()
	if co.sending < maxSending {
		co.sending++
		co.send(cl) // unlocks
		return cl.err
	}
	co.queue = append(co.queue, cl)
	co.mu.Unlock()
	select {
	case <-cl.ready:
	case <-ctx.Done():
		co.mu.Lock()
		switch cl.state {
		case queued:
			co.queue = slices.DeleteFunc(co.queue, func(q *call) bool { return q == cl })
			co.mu.Unlock()
		case leading: // the queue's turn passes on
			co.pass() // unlocks
		default:
			co.mu.Unlock()
		}
		return ctx.Err()
	}
	co.mu.Lock()
	if cl.state == leading {
		co.send(cl) // unlocks
	} else {
		co.mu.Unlock()
	}
	return cl.err
}

// send, called locked, sends lead and the oldest queued calls in one
// batch, unlocks, passes the turn on, and hands the others their replies.
func (co *coalescer) send(lead *call) {
	n := min(len(co.queue), maxBatch-1)
	batch := make([]*call, 0, n+1)
	batch = append(append(batch, lead), co.queue[:n]...)
	m := copy(co.queue, co.queue[n:])
	clear(co.queue[m:])
	co.queue = co.queue[:m]
	oldest := lead.start
	for _, cl := range batch {
		cl.state = sent
		if cl.start.Before(oldest) {
			oldest = cl.start
		}
	}
	co.mu.Unlock()

	parts := make([]*part, len(batch))
	for i, cl := range batch {
		parts[i] = &cl.part
	}
	ctx, cancel := context.WithDeadline(context.Background(), oldest.Add(co.timeout))
	if !co.together.Load() {
		sendEach(ctx, co.client, parts)
	} else if sendTogether(ctx, co.client, parts) { // refused: from now on, one script a take
		co.together.Store(false)
		sendEach(ctx, co.client, parts)
	}
	cancel()
	co.mu.Lock()
	co.pass()
	for _, cl := range batch[1:] {
		cl.ready <- struct{}{}
	}
}

// pass, called locked, hands the turn to send to the oldest queued call,
// or frees it, and unlocks.
func (co *coalescer) pass() {
	if len(co.queue) == 0 {
		co.sending--
		co.mu.Unlock()
		return
	}
	next := co.queue[0]
	co.queue = slices.Delete(co.queue, 0, 1)
	next.state = leading
	co.mu.Unlock()
	next.ready <- struct{}{}
}
