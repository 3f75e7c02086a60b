package auth

import (
	"hash/maphash"
	"sync"
	"time"
)

// DefaultTokenCacheSize is the number of verified tokens a verifier keeps
// when its config leaves the size at zero.
const DefaultTokenCacheSize = 10000

// tokenCache remembers verification results, each until it expires. It is
// keyed by a seeded 64-bit hash of the token (hash/maphash: a few
// nanoseconds, where SHA-256 would cost a few hundred on the hot path) and
// each entry keeps its token, compared in full on a hit, so a hash
// collision can never return another token's principal. Guessing a
// colliding token needs the process's random seed, so the comparison leaks
// nothing usable.
//
// It is bounded: when a shard is full, an insert first drops expired
// entries among a few sampled ones, else one sampled entry. Sampling keeps
// inserts O(1) even when an attacker fills the cache; the hit path takes
// only a read lock. Safe for concurrent use.
type tokenCache struct {
	seed     maphash.Seed
	shards   [cacheShards]cacheShard
	perShard int
}

const (
	cacheShards  = 16
	evictSamples = 8
)

type cacheShard struct {
	mu sync.RWMutex
	m  map[uint64]cacheEntry
}

type cacheEntry struct {
	token   string
	p       *Principal
	err     error
	expires int64 // Unix nanoseconds
}

// newTokenCache returns a cache of about size entries: nil (no caching)
// for a negative size, DefaultTokenCacheSize for zero.
func newTokenCache(size int) *tokenCache {
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = DefaultTokenCacheSize
	}
	c := &tokenCache{seed: maphash.MakeSeed(), perShard: max(1, (size+cacheShards-1)/cacheShards)}
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

// put stores e for e.token, evicting if the shard is full. A colliding
// entry of another token is replaced.
func (c *tokenCache) put(e cacheEntry, now time.Time) {
	if now.UnixNano() >= e.expires {
		return
	}
	key := maphash.String(c.seed, e.token)
	s := &c.shards[key%cacheShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[key]; !ok && len(s.m) >= c.perShard {
		n, evicted := 0, false
		var victim uint64
		for k, old := range s.m { // map iteration starts at a random entry
			if now.UnixNano() >= old.expires {
				delete(s.m, k)
				evicted = true
			} else if n == 0 {
				victim = k
			}
			if n++; n == evictSamples {
				break
			}
		}
		if !evicted {
			delete(s.m, victim)
		}
	}
	s.m[key] = e
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
