package rediscount

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chiguard/chiguard/internal/redistest"
	"github.com/chiguard/chiguard/ratelimit"
	goredis "github.com/redis/go-redis/v9"
)

// slot is Redis Cluster's HASH_SLOT: CRC16 (XMODEM) of the key's hash tag,
// or of the whole key if it has none, modulo 16384.
func slot(key string) int {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for k := 0; k < len(key); k++ {
		crc ^= uint16(key[k]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) & 16383
}

func TestSlotMatchesRedisExamples(t *testing.T) {
	// CRC16 check value from the Cluster specification, and hash tags.
	if got := slot("123456789"); got != 0x31C3&16383 {
		t.Errorf("slot(123456789) = %d", got)
	}
	if slot("{user1000}.following") != slot("{user1000}.followers") || slot("foo{{bar}}zap") != slot("{bar") {
		t.Error("hash tags not honoured")
	}
}

var clusterPolicies = []ratelimit.Policy{
	{Name: "burst", Quota: 10, Window: time.Second},
	{Name: "daily {x}", Quota: 100, Window: 24 * time.Hour},
	{Name: "}{", Quota: 5, Window: time.Minute},
}

// A limiter key's Redis key is the prefix and the key's digest in braces,
// whatever the key holds: bounded, never the key in clear, and one key for
// all of a request's policies, so Cluster never answers CROSSSLOT.
func TestKeyIsTheDigestInAHashTag(t *testing.T) {
	rc := &Counter{prefix: "chiguard:ratelimit:"}
	shape := regexp.MustCompile(`^chiguard:ratelimit:\{[0-9a-f]{32}\}$`)
	seen := map[string]bool{}
	for _, key := range []string{"", "ip:192.0.2.1\x0c", "}{client", "{a}", strings.Repeat("x", 256), strings.Repeat("x", 257),
		strings.Repeat("x", 10000), "user:alice\x0a"} {
		k := rc.key(key)
		sum := sha256.Sum256([]byte(key))
		if !shape.MatchString(k) || !strings.Contains(k, hex.EncodeToString(sum[:16])) {
			t.Errorf("key %q: Redis key %q, want the prefix and 32 hex digits of its SHA-256 in braces", key, k)
		}
		if seen[k] {
			t.Errorf("key %q: Redis key %q reused", key, k)
		}
		seen[k] = true
		if key != "" && strings.Contains(k, key) {
			t.Errorf("Redis key %q holds the client key in clear", k)
		}
	}
}

// Against a real (one-node) Cluster: a multi-policy take runs without
// CROSSSLOT, and the node agrees on the slots. The node refuses commands
// over two slots, so the take proves something; this is the only test of
// redistest.StartCluster too, since a cluster takes two seconds to accept
// writes.
func TestClusterCountsAllPoliciesInOneScript(t *testing.T) {
	t.Parallel()
	s := redistest.StartCluster(t)
	if _, err := s.Do("MSET", "a", "1", "b", "2"); err == nil || !strings.Contains(err.Error(), "CROSSSLOT") {
		t.Fatalf("MSET over two slots: %v, want CROSSSLOT", err)
	}
	if _, err := s.Do("MSET", "{t}a", "1", "{t}b", "2"); err != nil {
		t.Fatalf("MSET in one slot: %v", err)
	}
	c := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: []string{s.Addr}, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	rt, g := &roundTrips{}, newGate()
	c.AddHook(rt)
	c.AddHook(g)
	close(g.release)
	rc := newCounter(t, c, Config{Timeout: patience, FailureThreshold: 1})
	usage := make([]ratelimit.Usage, len(clusterPolicies))
	for i := 1; i <= 3; i++ {
		taken, err := rc.Take(context.Background(), "user:alice", 1, clusterPolicies, usage)
		if err != nil || !taken || rc.State() != StateRedis {
			t.Fatalf("take %d: %v %v, state %v", i, taken, err, rc.State())
		}
		if usage[1].Current != int64(i) {
			t.Fatalf("take %d: daily count %d, want %d (counted in Redis)", i, usage[1].Current, i)
		}
	}
	k := rc.key("user:alice")
	got, err := s.Do("CLUSTER", "KEYSLOT", k)
	if err != nil || got != strconv.Itoa(slot(k)) {
		t.Errorf("CLUSTER KEYSLOT %q = %q %v, want %d", k, got, err, slot(k))
	}
	if keys, _ := s.Do("KEYS", "chiguard:*"); keys != k {
		t.Errorf("keys %q, want the one key %q of all the policies", keys, k)
	}
	fields, _ := s.Do("HKEYS", k)
	if n := strings.Count(fields, "\n") + 1; n != 1+3*len(clusterPolicies) {
		t.Errorf("HKEYS %q: %d fields, want x and 3 a policy", k, n)
	}

	// Concurrent takes of keys in several slots, held up behind maxSending
	// takes on their way, go together in one pipeline of one script each.
	g.release = make(chan struct{})
	for len(g.arrived) > 0 {
		<-g.arrived
	}
	hourly := []ratelimit.Policy{{Name: "hourly", Quota: 5, Window: time.Hour}}
	inWindow(t, time.Hour, 0, time.Hour-30*time.Second)
	const takers, keys = 64, 8
	var n, trips int64
	taken := takeBehindGate(t, rc, g, takers, keys, func(key string) (bool, error) {
		return rc.Take(context.Background(), key, 1, hourly, make([]ratelimit.Usage, 1))
	}, func() { n, trips = rt.n.Load(), rt.trips.Load() })
	if taken != keys*5 || rc.State() != StateRedis {
		t.Errorf("%d taken, state %v; want the quota of 5 for each of %d keys, in Redis", taken, rc.State(), keys)
	}
	if n, trips := rt.n.Load()-n, rt.trips.Load()-trips; n != takers-maxSending || trips > maxSending {
		t.Errorf("%d queued takes carried in %d round trips; want %d in at most %d pipelines", n, trips, takers-maxSending, maxSending)
	}
}

// A single-node client whose server refuses scripts over several slots,
// as a proxy in front of a cluster does (here: a plain client of a
// one-node cluster), sends the batch again one script a take, and so the
// later ones: no take fails.
func TestCrossSlotRefusalSendsOneScriptATake(t *testing.T) {
	t.Parallel()
	s := redistest.StartCluster(t)
	c, rt, g := gatedClient(t, s)
	rc := newCounter(t, c, Config{Timeout: patience, FailureThreshold: 1})
	if _, err := s.Do("SCRIPT", "LOAD", takeSource); err != nil {
		t.Fatal(err)
	}
	hourly := []ratelimit.Policy{{Name: "hourly", Quota: 5, Window: time.Hour}}
	inWindow(t, time.Hour, 0, time.Hour-30*time.Second)
	const takers, keys = 24, 8
	taken := takeBehindGate(t, rc, g, takers, keys, func(key string) (bool, error) {
		return rc.take(context.Background(), key, 1, hourly, make([]ratelimit.Usage, 1))
	}, nil)
	if taken != takers {
		t.Errorf("%d taken; want all %d, 3 for each of %d keys with a quota of 5", taken, takers, keys)
	}
	if rc.batches.together.Load() || rc.State() != StateRedis {
		t.Errorf("together %v, state %v; want one script a take, counting in Redis", rc.batches.together.Load(), rc.State())
	}
	if n := rt.n.Load(); n <= takers {
		t.Errorf("%d takes carried, want %d and the refused script's", n, takers)
	}
}
