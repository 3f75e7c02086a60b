package ratelimit

import (
	"context"
	"hash/maphash"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// LocalCounter is a Counter in this process's memory: exact and atomic for
// one replica. Keys are hashed with a per-counter random seed, so neither
// their length nor crafted collisions depend on client input, and a key's
// counts live at most two windows: a flood of distinct keys costs memory
// for two windows, then is released. It starts no goroutine. One
// LocalCounter can serve any number of limiters and policies.
type LocalCounter struct {
	seed   maphash.Seed
	now    func() int64 // unix ms; tests replace it
	swept  atomic.Int64 // unix ms of the last sweep
	shards [localShards]localShard
}

// Keys pick one of the shards by their hash's top bits.
const (
	localShardBits = 6
	localShards    = 1 << localShardBits
)

type localShard struct {
	mu   sync.Mutex
	gens []*generation
	_    [32]byte // one cache line per shard
}

// generation holds one policy's counts: cur the keys counted in the
// current window, prev those counted in the previous one. A cell's window
// is the table it sits in, so cells carry no window index.
type generation struct {
	name       string
	w          int64 // window, ms
	idx        int64 // index (unix ms / w) of the current window
	start, end int64 // its bounds in unix ms: no division while now is within
	cur, prev  table
}

// NewLocalCounter returns an empty LocalCounter.
func NewLocalCounter() *LocalCounter {
	start := time.Now()
	base := start.UnixMilli()
	// The monotonic clock since start costs one clock read where time.Now
	// costs two; the windows still begin on Unix-time boundaries.
	return &LocalCounter{seed: maphash.MakeSeed(), now: func() int64 { return base + time.Since(start).Milliseconds() }}
}

// Take implements Counter. It never fails.
func (c *LocalCounter) Take(_ context.Context, key string, cost int, policies []Policy, usage []Usage) (bool, error) {
	return c.take(maphash.String(c.seed, key), int64(clampCost(cost)), policies, usage), nil
}

// takeBytes is Take for a key the limiter built in a buffer: no allocation.
func (c *LocalCounter) takeBytes(key []byte, cost int64, policies []Policy, usage []Usage) bool {
	return c.take(maphash.Bytes(c.seed, key), cost, policies, usage)
}

func (c *LocalCounter) take(h uint64, cost int64, policies []Policy, usage []Usage) bool {
	h = max(h, 1) // 0 marks a free cell: hash 1 stands in for it
	now := c.now()
	if last := c.swept.Load(); now-last >= 1000 && c.swept.CompareAndSwap(last, now) {
		c.sweep(now)
	}
	sh := &c.shards[h>>(64-localShardBits)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var gbuf [4]*generation
	var cbuf [4]*cell
	gens, cells := gbuf[:0], cbuf[:0]
	ok := true
	for i := range policies {
		p := &policies[i]
		g := sh.generation(p, now)
		u := Usage{Elapsed: time.Duration(max(now-g.start, 0)) * time.Millisecond}
		// A key only in prev stays there until it is counted: reads alone
		// keep no key alive.
		cl := g.cur.find(h)
		if cl != nil {
			u.Current, u.Previous = int64(cl.cur), int64(cl.prev)
		} else if pl := g.prev.find(h); pl != nil {
			u.Previous = int64(pl.cur)
		}
		gens, cells = append(gens, g), append(cells, cl)
		usage[i] = u
		s := newState(p, &u)
		if !fits(s.q, s.w, s.e, s.c, s.p, cost) {
			ok = false
		}
	}
	if ok && cost > 0 {
		for i, g := range gens {
			cl := cells[i]
			if cl == nil {
				// A key counted in the previous window moves into the
				// current one by copy; the stale copy leaves with prev.
				cl = g.cur.add(h)
				cl.prev = uint32(usage[i].Previous)
			}
			// Saturating: a policy beyond MaxQuota, or one given twice,
			// must not wrap the count around.
			cl.cur = uint32(min(int64(cl.cur)+cost, math.MaxUint32))
			usage[i].Current = int64(cl.cur)
		}
	}
	return ok
}

// generation finds (or adds) p's generation and moves it to now's window.
func (sh *localShard) generation(p *Policy, now int64) *generation {
	w := p.Window.Milliseconds()
	for _, g := range sh.gens {
		if g.w == w && g.name == p.Name {
			if now >= g.end {
				g.rotate(now / w)
			}
			return g
		}
	}
	g := &generation{name: p.Name, w: w}
	g.setIdx(now / w)
	sh.gens = append(sh.gens, g)
	return g
}

// rotate moves g to window idx: keys untouched since the window before the
// previous one are dropped. A clock that steps back keeps counting in the
// current window.
func (g *generation) rotate(idx int64) {
	switch {
	case idx <= g.idx:
		return
	case idx == g.idx+1:
		g.prev, g.cur = g.cur, g.prev
		g.cur.reset(g.prev.n)
	default:
		g.prev.reset(0)
		g.cur.reset(0)
	}
	g.setIdx(idx)
}

func (g *generation) setIdx(idx int64) {
	g.idx, g.start, g.end = idx, idx*g.w, (idx+1)*g.w
}

// sweep rotates every generation, so shards no request touches still drop
// old windows. Take calls it at most once a second.
func (c *LocalCounter) sweep(now int64) {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		for _, g := range sh.gens {
			g.rotate(now / g.w)
		}
		sh.mu.Unlock()
	}
}

// len counts the keys held, for tests.
func (c *LocalCounter) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		for _, g := range sh.gens {
			n += g.cur.n
			for _, cl := range g.prev.cells {
				if cl.h != 0 && g.cur.find(cl.h) == nil {
					n++
				}
			}
		}
		sh.mu.Unlock()
	}
	return n
}
