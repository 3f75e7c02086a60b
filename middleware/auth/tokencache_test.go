package auth

import (
	"fmt"
	"testing"
	"time"
)

func TestTokenCacheExpiresEntries(t *testing.T) {
	c := newTokenCache(10)
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

func TestTokenCacheIsBounded(t *testing.T) {
	c := newTokenCache(64)
	now := time.Now()
	for i := range 10000 {
		c.put(cacheEntry{token: fmt.Sprint("token-", i), p: &Principal{}, expires: now.Add(time.Hour).UnixNano()}, now)
	}
	if n := c.len(); n > 64 {
		t.Errorf("cache grew to %d entries", n)
	}
	if _, ok := c.get("token-9999", now); !ok {
		t.Error("the latest entry was evicted")
	}
}

func TestTokenCacheEvictsExpiredFirst(t *testing.T) {
	c := newTokenCache(cacheShards) // one entry per shard
	now := time.Now()
	for i := range 1000 {
		c.put(cacheEntry{token: fmt.Sprint("old-", i), p: &Principal{}, expires: now.Add(time.Second).UnixNano()}, now)
	}
	later := now.Add(2 * time.Second)
	for i := range 1000 {
		c.put(cacheEntry{token: fmt.Sprint("new-", i), p: &Principal{}, expires: later.Add(time.Hour).UnixNano()}, later)
	}
	if n := c.len(); n > cacheShards {
		t.Errorf("%d entries", n)
	}
}

func TestNewTokenCacheSizes(t *testing.T) {
	if newTokenCache(-1) != nil {
		t.Error("a negative size must disable the cache")
	}
	if c := newTokenCache(0); c.perShard*cacheShards < DefaultTokenCacheSize {
		t.Errorf("default size %d", c.perShard*cacheShards)
	}
}
