package auth

import (
	"hash/maphash"
	"sync"
	"time"
)

// DefaultCacheBytes bounds the memory of a verifier's cache (of verified
// tokens, or of introspection answers) when its config leaves CacheBytes
// at zero: 32 MiB holds some 16,000 tokens of 1 KiB with their
// principals, or 1,100 of the largest Authenticate reads
// (MaxCredentialLength).
const DefaultCacheBytes = 32 << 20

// tokenCache remembers verification results, each until it expires. It is
// keyed by a seeded 64-bit hash of the token (hash/maphash: a few
// nanoseconds, where SHA-256 would cost a few hundred on the hot path) and
// each entry keeps its token, compared in full on a hit, so a hash
// collision can never return another token's principal. Guessing a
// colliding token needs the process's random seed, so the comparison leaks
// nothing usable.
//
// It is bounded in bytes, each entry counting its token, its principal's
// strings and a fixed overhead: when a shard is full, an insert first drops
// expired entries among a few sampled ones, else one sampled entry, until
// the new one fits. Sampling keeps inserts O(1) amortized even when an
// attacker fills the cache; the hit path takes only a read lock. Safe for
// concurrent use.
type tokenCache struct {
	seed       maphash.Seed
	shards     [cacheShards]cacheShard
	shardBytes int
}

const (
	cacheShards  = 16
	evictSamples = 8
	// entryOverhead is what an entry costs besides its strings: its map
	// slot and the Principal struct, rounded up.
	entryOverhead = 256
)

type cacheShard struct {
	mu    sync.RWMutex
	m     map[uint64]cacheEntry
	bytes int
}

type cacheEntry struct {
	token   string
	p       *Principal // shared: never modified, never handed out
	err     error
	expires int64 // Unix nanoseconds
	size    int   // bytes counted against the budget
}

// newTokenCache returns a cache of about budget bytes: nil (no caching)
// for a negative budget, DefaultCacheBytes for zero.
func newTokenCache(budget int) *tokenCache {
	if budget < 0 {
		return nil
	}
	if budget == 0 {
		budget = DefaultCacheBytes
	}
	c := &tokenCache{seed: maphash.MakeSeed(), shardBytes: budget / cacheShards}
	for i := range c.shards {
		c.shards[i].m = make(map[uint64]cacheEntry)
	}
	return c
}

// get returns the live entry for token.
func (c *tokenCache) get(token string, now time.Time) (cacheEntry, bool) {
	h := maphash.String(c.seed, token)
	s := &c.shards[h%cacheShards]
	s.mu.RLock()
	e, ok := s.m[h]
	s.mu.RUnlock()
	if !ok || e.token != token || now.UnixNano() >= e.expires {
		return cacheEntry{}, false
	}
	return e, true
}

// put stores e for e.token, evicting until it fits. A colliding entry of
// another token is replaced; an entry larger than a shard's share of the
// budget is not stored.
func (c *tokenCache) put(e cacheEntry, now time.Time) {
	e.size = entryOverhead + len(e.token)
	if e.p != nil {
		e.size += e.p.size()
	}
	if now.UnixNano() >= e.expires || e.size > c.shardBytes {
		return
	}
	key := maphash.String(c.seed, e.token)
	s := &c.shards[key%cacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[key]; ok {
		delete(s.m, key)
		s.bytes -= old.size
	}
	for s.bytes+e.size > c.shardBytes && len(s.m) > 0 {
		s.evict(now)
	}
	s.m[key] = e
	s.bytes += e.size
}

// evict drops the expired entries among a few sampled ones, else the first
// sampled. The caller holds s.mu.
func (s *cacheShard) evict(now time.Time) {
	n, evicted := 0, false
	var victim uint64
	for k, old := range s.m { // map iteration starts at a random entry
		if now.UnixNano() >= old.expires {
			delete(s.m, k)
			s.bytes -= old.size
			evicted = true
		} else if n == 0 {
			victim = k
		}
		if n++; n == evictSamples {
			break
		}
	}
	if !evicted {
		s.bytes -= s.m[victim].size
		delete(s.m, victim)
	}
}

// len returns the number of entries, live or expired.
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// bytes returns the bytes counted against the budget.
func (c *tokenCache) bytes() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += s.bytes
		s.mu.RUnlock()
	}
	return n
}
