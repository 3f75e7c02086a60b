package ratelimit

import (
	"context"
	"hash/maphash"
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

const localShards = 64 // a power of two; keys pick one by their hash's top bits

type localShard struct {
	mu   sync.Mutex
	gens []*generation
	_    [32]byte // one cache line per shard
}

// generation holds one policy's counts: cur maps the keys counted in the
// current window, prev those counted in the previous one and not since.
type generation struct {
	name       string
	w          int64 // window, ms
	idx        int64 // index (unix ms / w) of the current window
	start, end int64 // its bounds in unix ms: no division while now is within
	cur, prev  map[uint64]*cell
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
	now := c.now()
	if last := c.swept.Load(); now-last >= 1000 && c.swept.CompareAndSwap(last, now) {
		c.sweep(now)
	}
	sh := &c.shards[h>>58]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	var gbuf [4]*generation
	var cbuf [4]*cell
	gens, cells := gbuf[:0], cbuf[:0]
	ok := true
	for i := range policies {
		p := &policies[i]
		g := sh.generation(p, now)
		cl := g.cell(h)
		gens, cells = append(gens, g), append(cells, cl)
		u := Usage{Elapsed: time.Duration(max(now-g.start, 0)) * time.Millisecond}
		if cl != nil {
			u.Current, u.Previous = cl.cur, cl.prev
		}
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
				cl = &cell{idx: g.idx}
				g.cur[h] = cl
			}
			cl.cur += cost
			usage[i].Current = cl.cur
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
	g := &generation{name: p.Name, w: w, cur: map[uint64]*cell{}, prev: map[uint64]*cell{}}
	g.setIdx(now / w)
	sh.gens = append(sh.gens, g)
	return g
}

// cell returns key h's counts moved to g's current window, or nil if h
// has none in the current or previous window. A key counted in the
// previous window moves into the current window's map: a key in use costs
// one map lookup and no write.
func (g *generation) cell(h uint64) *cell {
	cl, ok := g.cur[h]
	if !ok {
		if cl, ok = g.prev[h]; !ok {
			return nil
		}
		g.cur[h] = cl
	}
	cl.roll(g.idx)
	return cl
}

// cell is one key's counts under one policy.
type cell struct {
	idx       int64 // window of cur
	cur, prev int64
}

// roll moves cl to window idx.
func (cl *cell) roll(idx int64) {
	switch {
	case idx <= cl.idx:
		return
	case idx == cl.idx+1:
		cl.prev, cl.cur = cl.cur, 0
	default:
		cl.prev, cl.cur = 0, 0
	}
	cl.idx = idx
}

// rotate moves g to window idx: keys untouched since the window before the
// previous one are dropped. A clock that steps back keeps counting in the
// current window.
func (g *generation) rotate(idx int64) {
	switch {
	case idx <= g.idx:
		return
	case idx == g.idx+1:
		old := g.prev
		g.prev = g.cur
		g.cur = recycle(old, len(g.prev))
	default:
		g.prev = recycle(g.prev, 0)
		g.cur = recycle(g.cur, 0)
	}
	g.setIdx(idx)
}

func (g *generation) setIdx(idx int64) {
	g.idx, g.start, g.end = idx, idx*g.w, (idx+1)*g.w
}

// recycle empties m for reuse, unless it grew far beyond the current
// traffic (a flood of keys): Go maps never shrink, so that one is dropped
// for the collector and a fresh one sized like the current window's is
// returned.
func recycle(m map[uint64]*cell, hint int) map[uint64]*cell {
	if len(m) > 4*hint+1024 {
		return make(map[uint64]*cell, hint)
	}
	clear(m)
	return m
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
			n += len(g.cur)
			for h := range g.prev {
				if _, ok := g.cur[h]; !ok {
					n++
				}
			}
		}
		sh.mu.Unlock()
	}
	return n
}
