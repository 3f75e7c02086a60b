package ratelimit

import (
	"math/bits"
	"testing"
)

// hashes returns n distinct nonzero hashes spread as maphash's are.
func hashes(n int) []uint64 {
	hs := make([]uint64, n)
	x := uint64(0x9e3779b97f4a7c15)
	for i := range hs {
		x += 0x9e3779b97f4a7c15
		z := (x ^ x>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		hs[i] = max(z^z>>31, 1)
	}
	return hs
}

func TestTableFindsWhatItAdds(t *testing.T) {
	// Hashes whose probes start at the last cell, so they wrap around.
	var wrap []uint64
	for k := range uint64(40) {
		wrap = append(wrap, bits.RotateLeft64(^k, -localShardBits))
	}
	for name, hs := range map[string][]uint64{"spread": hashes(20000), "one home": wrap} {
		t.Run(name, func(t *testing.T) {
			var tb table
			for i, h := range hs {
				cl := tb.add(h)
				cl.cur, cl.prev = uint32(i), uint32(i+1)
			}
			if tb.n != len(hs) {
				t.Fatalf("n %d, want %d", tb.n, len(hs))
			}
			for i, h := range hs {
				cl := tb.find(h)
				if cl == nil || cl.cur != uint32(i) || cl.prev != uint32(i+1) {
					t.Fatalf("find(%#x) = %+v, want counts %d, %d", h, cl, i, i+1)
				}
				if again := tb.add(h); again.cur != uint32(i) || tb.n != len(hs) {
					t.Fatalf("add(%#x) of a held key added it again", h)
				}
			}
			for _, h := range hashes(len(hs) + 100)[len(hs):] {
				if cl := tb.find(h ^ 1<<62); cl != nil {
					t.Fatalf("find(%#x) of an absent key = %+v", h^1<<62, cl)
				}
			}
		})
	}
}

// The table stays at least half full, so a key costs at most two cells.
func TestTableStaysHalfFull(t *testing.T) {
	var tb table
	for _, h := range hashes(100000) {
		tb.add(h)
		if len(tb.cells) > max(minCells, 2*tb.n) {
			t.Fatalf("%d keys in %d cells, want at most %d", tb.n, len(tb.cells), max(minCells, 2*tb.n))
		}
		if 4*tb.n > 3*len(tb.cells) {
			t.Fatalf("%d keys in %d cells: more than 3/4 full", tb.n, len(tb.cells))
		}
	}
}

func TestTableResetDropsWhatAFloodGrew(t *testing.T) {
	var tb table
	for _, h := range hashes(1000) {
		tb.add(h)
	}
	size := len(tb.cells)
	tb.reset(1000)
	if tb.n != 0 || len(tb.cells) != size || tb.find(hashes(1)[0]) != nil {
		t.Fatalf("reset(1000) of 1000 keys: n %d, %d cells (was %d), want the cells kept and emptied", tb.n, len(tb.cells), size)
	}
	for _, h := range hashes(100000) {
		tb.add(h)
	}
	tb.reset(0)
	if tb.n != 0 || tb.cells != nil {
		t.Errorf("reset(0) of 100000 keys kept %d cells", len(tb.cells))
	}
	for _, h := range hashes(100000) {
		tb.add(h)
	}
	tb.reset(10)
	if len(tb.cells) != minCells {
		t.Errorf("reset(10) of 100000 keys: %d cells, want %d", len(tb.cells), minCells)
	}
}
