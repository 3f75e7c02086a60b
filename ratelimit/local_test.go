package ratelimit

import (
	"context"
	"runtime"
	"strconv"
	"testing"
	"time"
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
