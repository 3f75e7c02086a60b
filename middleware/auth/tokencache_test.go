package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestTokenCacheExpiresEntries(t *testing.T) {
	c := newTokenCache(1 << 20)
	now := time.Now()
	p := &Principal{Subject: "a"}
	c.put(cacheEntry{token: "t", p: p, expires: now.Add(time.Second).UnixNano()}, now)
	c.put(cacheEntry{token: "dead", p: p, expires: now.UnixNano()}, now)
	if e, ok := c.get("t", now); !ok || e.p != p {
		t.Error("live entry missing")
	}
	if _, ok := c.get("dead", now); ok {
		t.Error("an already expired entry was stored")
	}
	if _, ok := c.get("t", now.Add(time.Second)); ok {
		t.Error("entry served at its expiry")
	}
	if _, ok := c.get("other", now); ok {
		t.Error("unknown token found")
	}
}

// checkBytes checks that each shard counts exactly its entries' sizes.
func checkBytes(t *testing.T, c *tokenCache) {
	t.Helper()
	for i := range c.shards {
		s := &c.shards[i]
		sum := 0
		for _, e := range s.m {
			sum += e.size
		}
		if sum != s.bytes || s.bytes > c.shardBytes {
			t.Fatalf("shard %d counts %d bytes, holds %d, may hold %d", i, s.bytes, sum, c.shardBytes)
		}
	}
}

func TestTokenCacheIsBoundedInBytes(t *testing.T) {
	const budget = 1 << 20
	c := newTokenCache(budget)
	now := time.Now()
	for i := range 2000 {
		// Tokens of 1 to 16 KiB, half of them with claims as large.
		n := 1 << 10 * (1 + i%16)
		p := &Principal{Subject: fmt.Sprint("user-", i)}
		if i%2 == 0 {
			p.claims = strings.Repeat("c", n)
		}
		c.put(cacheEntry{token: fmt.Sprint(i, strings.Repeat("t", n)), p: p, expires: now.Add(time.Hour).UnixNano()}, now)
	}
	checkBytes(t, c)
	if n := c.bytes(); n > budget || n < budget/2 {
		t.Errorf("cache holds %d bytes, budget %d", n, budget)
	}
	if _, ok := c.get(fmt.Sprint(1999, strings.Repeat("t", 16<<10)), now); !ok {
		t.Error("the latest entry was evicted")
	}
}

func TestTokenCacheCountsPrincipals(t *testing.T) {
	c := newTokenCache(1 << 20)
	now := time.Now()
	p := &Principal{Subject: "alice", Scope: "a b", claims: strings.Repeat("x", 10000)}
	c.put(cacheEntry{token: "tok", p: p, expires: now.Add(time.Hour).UnixNano()}, now)
	if n := c.bytes(); n != entryOverhead+len("tok")+p.size() || n < 10000 {
		t.Errorf("entry counted %d bytes", n)
	}
	c.put(cacheEntry{token: "tok", p: &Principal{Subject: "alice"}, expires: now.Add(time.Hour).UnixNano()}, now)
	if n := c.bytes(); n > 1000 {
		t.Errorf("a replaced entry still counts: %d bytes", n)
	}
	checkBytes(t, c)
}

func TestTokenCacheSkipsOversizedEntries(t *testing.T) {
	c := newTokenCache(cacheShards * 4 << 10) // 4 KiB a shard
	now := time.Now()
	c.put(cacheEntry{token: strings.Repeat("t", 5<<10), p: &Principal{}, expires: now.Add(time.Hour).UnixNano()}, now)
	if c.len() != 0 {
		t.Error("an entry larger than a shard was stored")
	}
}

func TestTokenCacheEvictsExpiredFirst(t *testing.T) {
	c := newTokenCache(cacheShards * 4 * (entryOverhead + 16)) // four small entries a shard
	now := time.Now()
	for i := range 1000 {
		c.put(cacheEntry{token: fmt.Sprintf("old-%012d", i), expires: now.Add(time.Second).UnixNano()}, now)
	}
	later := now.Add(2 * time.Second)
	for i := range 1000 {
		c.put(cacheEntry{token: fmt.Sprintf("new-%012d", i), expires: later.Add(time.Hour).UnixNano()}, later)
	}
	checkBytes(t, c)
	if n := c.len(); n > 4*cacheShards {
		t.Errorf("%d entries", n)
	}
}

func TestNewTokenCacheSizes(t *testing.T) {
	if newTokenCache(-1) != nil {
		t.Error("a negative budget must disable the cache")
	}
	if c := newTokenCache(0); c.shardBytes*cacheShards != DefaultCacheBytes {
		t.Errorf("default budget %d", c.shardBytes*cacheShards)
	}
}

// retainedBy returns the heap bytes still in use after fill ran, once
// garbage is collected.
func retainedBy(fill func()) int64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	return int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// 5,000 distinct hostile tokens of 16 KiB, validly signed so that they
// would all be cached, keep less than 64 MiB alive: claims nested 2,000
// deep are refused, and those just within MaxClaimDepth are cached within
// DefaultCacheBytes, as JSON text rather than a decoded tree. Their claims
// alone are 78 MiB, four times what fills the cache, so a cache that kept
// them all, even without their tokens, would fail.
func TestJWTCacheRetainsBoundedMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("signs and verifies 10,000 tokens of 16 KiB, and measures the heap")
	}
	for _, tt := range []struct {
		name  string
		depth int
		want  error
	}{{"nested 2000 deep", 2000, ErrTokenClaims}, {"nested to MaxClaimDepth", MaxClaimDepth, nil}} {
		t.Run(tt.name, func(t *testing.T) {
			v := hsVerifier(t, nil)
			retained := retainedBy(func() {
				for i := range 5000 {
					token := rawToken(t, shapedClaims(t, tt.depth, hostileClaimsSize, fmt.Sprint(i)))
					if _, err := v.Verify(context.Background(), token); !errors.Is(err, tt.want) || tt.want == nil && err != nil {
						t.Fatalf("Verify: %v", err)
					}
				}
			})
			t.Logf("%d entries, %d bytes counted, %.1f MiB retained", v.cache.len(), v.cache.bytes(), float64(retained)/(1<<20))
			if retained >= 64<<20 || v.cache.bytes() > DefaultCacheBytes {
				t.Errorf("%.1f MiB retained, %d bytes counted", float64(retained)/(1<<20), v.cache.bytes())
			}
			runtime.KeepAlive(v)
		})
	}
}
