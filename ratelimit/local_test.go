package ratelimit

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"
	"unsafe"
)

// A flood of distinct keys costs memory for two windows at most.
func TestLocalCounterForgetsKeysAfterTwoWindows(t *testing.T) {
	lc, clk := fakeCounter(t0)
	policies := []Policy{{Name: "p", Quota: 5, Window: time.Minute}}
	usage := make([]Usage, 1)
	const perWindow = 20000
	for win := range 6 {
		for i := range perWindow {
			lc.Take(context.Background(), strconv.Itoa(win)+"/"+strconv.Itoa(i), 1, policies, usage)
		}
		if n := lc.len(); n > 2*perWindow {
			t.Fatalf("window %d: %d keys held, want at most %d", win, n, 2*perWindow)
		}
		clk.Advance(time.Minute)
	}
	clk.Advance(2 * time.Minute)
	lc.Take(context.Background(), "quiet", 1, policies, usage) // sweeps every shard
	if n := lc.len(); n != 1 {
		t.Errorf("after two quiet windows: %d keys held, want 1", n)
	}
}

// The maps a flood grew are released, not just emptied.
func TestLocalCounterReleasesFloodMemory(t *testing.T) {
	lc, clk := fakeCounter(t0)
	policies := []Policy{{Name: "p", Quota: 5, Window: time.Minute}}
	usage := make([]Usage, 1)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range 300000 {
		lc.Take(context.Background(), strconv.Itoa(i), 1, policies, usage)
	}
	flooded := heap()
	clk.Advance(3 * time.Minute)
	lc.Take(context.Background(), "after", 1, policies, usage)
	after := heap()
	if grown := flooded - before; grown < 4<<20 || after > before+grown/4 {
		t.Errorf("heap before %d, flooded %d, after %d: want the flood's maps released", before, flooded, after)
	}
	runtime.KeepAlive(lc)
}

// Policies sharing a counter count apart, and a clock stepping back keeps
// counting in the current window.
func TestLocalCounterKeepsPoliciesApart(t *testing.T) {
	lc, clk := fakeCounter(t0)
	a := []Policy{{Name: "a", Quota: 1, Window: time.Minute}}
	b := []Policy{{Name: "b", Quota: 1, Window: time.Minute}}
	u := make([]Usage, 1)
	ctx := context.Background()
	if ok, _ := lc.Take(ctx, "k", 1, a, u); !ok {
		t.Fatal("a refused")
	}
	if ok, _ := lc.Take(ctx, "k", 1, b, u); !ok {
		t.Fatal("b shares a's count")
	}
	clk.Advance(-time.Hour)
	if ok, _ := lc.Take(ctx, "k", 1, a, u); ok || u[0].Current != 1 || u[0].Elapsed != 0 {
		t.Errorf("after the clock stepped back: ok=%v usage %+v, want refused with the count kept", ok, u[0])
	}
}

// A key's count becomes its previous count for one window, then is gone; a
// refused request or a cost of 0 keeps nothing alive.
func TestLocalCounterCarriesCountsOneWindow(t *testing.T) {
	lc, clk := fakeCounter(t0)
	policies := []Policy{{Name: "p", Quota: 5, Window: time.Minute}}
	u := make([]Usage, 1)
	take := func(cost int, wantOK bool, wantCur, wantPrev int64) {
		t.Helper()
		ok, _ := lc.Take(context.Background(), "k", cost, policies, u)
		if ok != wantOK || u[0].Current != wantCur || u[0].Previous != wantPrev {
			t.Fatalf("Take(%d) = %v, usage %+v; want %v, current %d, previous %d", cost, ok, u[0], wantOK, wantCur, wantPrev)
		}
	}
	take(3, true, 3, 0)
	take(2, true, 5, 0)
	clk.Advance(time.Minute)
	take(0, true, 0, 5)
	take(1, false, 0, 5) // the whole previous window still weighs
	clk.Advance(30 * time.Second)
	take(2, true, 2, 5) // moved into the current window with its previous count
	take(0, true, 2, 5)
	clk.Advance(30 * time.Second)
	take(0, true, 0, 2)
	clk.Advance(time.Minute)
	take(0, true, 0, 0)
	if n := lc.len(); n != 0 {
		t.Errorf("%d keys held after a window of reads only, want 0", n)
	}
}

// Counting a key held, under several policies, allocates nothing.
func TestLocalCounterTakeDoesNotAllocate(t *testing.T) {
	lc, _ := fakeCounter(t0)
	policies := []Policy{{Name: "a", Quota: MaxQuota, Window: time.Minute}, {Name: "b", Quota: MaxQuota, Window: time.Hour}}
	u := make([]Usage, 2)
	key := []byte("client/1")
	lc.takeBytes(key, 1, policies, u)
	if n := testing.AllocsPerRun(100, func() { lc.takeBytes(key, 1, policies, u) }); n != 0 {
		t.Errorf("%v allocations a Take, want 0", n)
	}
}

// A key costs at most two 16-byte cells of a table (no heap object of its
// own), so at most 40 bytes with all the tables' slack.
func TestLocalCounterKeyCostsAtMost40Bytes(t *testing.T) {
	lc, _ := fakeCounter(t0)
	policies := []Policy{{Name: "p", Quota: 5, Window: time.Minute}}
	u := make([]Usage, 1)
	const n = 100000
	for i := range n {
		lc.Take(context.Background(), strconv.Itoa(i), 1, policies, u)
	}
	bytes := 0
	for i := range lc.shards {
		for _, g := range lc.shards[i].gens {
			bytes += (len(g.cur.cells) + len(g.prev.cells)) * int(unsafe.Sizeof(cell{}))
		}
	}
	if bytes > 40*n || lc.len() != n {
		t.Errorf("%d keys held in %d bytes of cells, want %d keys in at most %d", lc.len(), bytes, n, 40*n)
	}
}
