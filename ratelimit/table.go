package ratelimit

import "math/bits"

// table maps key hashes to their counts in one window: open addressing
// with linear probing over cells held by value, so the collector has no
// pointer to follow per key.
//
// Not map[uint64]cell: Go 1.26's swiss-table map spends 17 bytes on a
// 16-byte slot and doubles (or splits its 1024-slot tables, all of them at
// about the same time), so it holds between 7/16 and 7/8 of its slots:
// near 38 bytes a key at a million keys. Nor does it hand out a pointer to
// a value, so each count would cost a second probe to store the cell back.
// This table grows by half, so it is 1/2 to 3/4 full: 21 to 32 bytes a key.
type table struct {
	cells []cell
	n     int // keys held
}

// cell is one key's counts in a window: cur counted in it, prev in the
// window before. Counts never pass MaxQuota (a cost is taken only while
// count+cost <= quota), so 32 bits hold them.
type cell struct {
	h         uint64 // the key's hash; 0 marks a free cell
	cur, prev uint32
}

const minCells = 16

// home is where h's probe starts. The top bits of h picked the shard, so
// they are rotated out of the way.
func (t *table) home(h uint64) int {
	i, _ := bits.Mul64(bits.RotateLeft64(h, localShardBits), uint64(len(t.cells)))
	return int(i)
}

// probe returns the index of h's cell, or of the free cell where h goes.
// A free cell is always there: the table is at most 3/4 full.
func (t *table) probe(h uint64) int {
	i := t.home(h)
	for t.cells[i].h != h && t.cells[i].h != 0 {
		if i++; i == len(t.cells) {
			i = 0
		}
	}
	return i
}

// find returns h's cell, or nil.
func (t *table) find(h uint64) *cell {
	if t.n == 0 {
		return nil
	}
	if cl := &t.cells[t.probe(h)]; cl.h == h {
		return cl
	}
	return nil
}

// add returns h's cell, added with zero counts if h has none. It may move
// every cell: pointers from find are stale after it.
func (t *table) add(h uint64) *cell {
	if 4*(t.n+1) > 3*len(t.cells) {
		t.resize(max(minCells, len(t.cells)+len(t.cells)/2))
	}
	cl := &t.cells[t.probe(h)]
	if cl.h == 0 {
		cl.h = h
		t.n++
	}
	return cl
}

func (t *table) resize(size int) {
	old := t.cells
	t.cells = make([]cell, size)
	for _, cl := range old {
		if cl.h != 0 {
			t.cells[t.probe(cl.h)] = cl
		}
	}
}

// reset empties t for a window expected to hold about hint keys. Cells
// far beyond that (a flood of keys) are dropped for the collector rather
// than kept for a traffic that has gone.
func (t *table) reset(hint int) {
	if size := cellsFor(hint); len(t.cells) > 4*size+1024 {
		t.cells = nil
		if size > 0 {
			t.cells = make([]cell, max(minCells, size))
		}
	} else {
		clear(t.cells)
	}
	t.n = 0
}

// cellsFor is the size that holds n keys at 3/4 full.
func cellsFor(n int) int { return (4*n + 2) / 3 }
