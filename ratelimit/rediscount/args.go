package rediscount

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/chiguard/chiguard/ratelimit"
)

// key returns the Redis key of a limiter key: the prefix and, in braces,
// the first 128 bits of the key's SHA-256 in hex. Its length and bytes never
// depend on client input but through the digest, no client's IP or
// identity is stored in clear, and the braces make the digest the Cluster
// hash tag. All of a limiter key's policies live in this one hash.
func (c *Counter) key(key string) string {
	var in [256]byte
	var sum [sha256.Size]byte
	if len(key) <= len(in) {
		sum = sha256.Sum256(append(in[:0], key...))
	} else {
		sum = sha256.Sum256([]byte(key))
	}
	var out [128]byte
	b := append(out[:0], c.prefix...)
	b = append(b, '{')
	b = hex.AppendEncode(b, sum[:16])
	b = append(b, '}')
	return string(b)
}

// policyArgs are one policy's script arguments, converted and boxed once:
// the names of its fields w, c and p, then its quota and window in ms. A
// policy's fields are named after its name and window, which keep the
// policies of one key apart (see ratelimit.Counter).
type policyArgs struct {
	fields [3]any
	limits [2]any
}

func newPolicyArgs(p ratelimit.Policy) *policyArgs {
	ms := strconv.FormatInt(p.Window.Milliseconds(), 10)
	id := p.Name + ":" + ms + ":"
	return &policyArgs{
		fields: [3]any{id + "w", id + "c", id + "p"},
		limits: [2]any{strconv.Itoa(p.Quota), ms},
	}
}

// maxPolicies bounds the policies whose arguments a Counter keeps: a
// limiter's policies are few and fixed, and a caller that makes up
// policies per request gets them converted per request instead.
const maxPolicies = 1024

// policyCache keeps the policyArgs of the policies a Counter has seen. It
// is read on every Take without a lock: a map that is replaced, never
// changed, when a policy is added.
type policyCache struct {
	m  atomic.Pointer[map[ratelimit.Policy]*policyArgs]
	mu sync.Mutex // serializes additions
}

func (pc *policyCache) get(p ratelimit.Policy) *policyArgs {
	if m := pc.m.Load(); m != nil {
		if a, ok := (*m)[p]; ok {
			return a
		}
	}
	a := newPolicyArgs(p)
	pc.mu.Lock()
	defer pc.mu.Unlock()
	m := map[ratelimit.Policy]*policyArgs{}
	if old := pc.m.Load(); old != nil {
		if len(*old) >= maxPolicies {
			return a
		}
		m = maps.Clone(*old)
	}
	m[p] = a
	pc.m.Store(&m)
	return a
}

// Boxed once: the script's command name, digest and key count.
var (
	evalshaArg any = "evalsha"
	shaArg     any = takeScript.Hash()
	oneKeyArg  any = 1
)

// args returns the EVALSHA command of a take: the script's digest, its one
// key, the cost, then the policies' field names and their limits.
func (c *Counter) args(key string, cost int, policies []ratelimit.Policy) []any {
	n := len(policies)
	args := make([]any, 5+5*n)
	args[0], args[1], args[2], args[3], args[4] = evalshaArg, shaArg, oneKeyArg, c.key(key), max(cost, 0)
	for i, p := range policies {
		a := c.policies.get(p)
		copy(args[5+3*i:], a.fields[:])
		copy(args[5+3*n+2*i:], a.limits[:])
	}
	return args
}
