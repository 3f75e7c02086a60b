package rediscount

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
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

// Boxed once: the script's command name and digest.
var (
	evalshaArg any = "evalsha"
	shaArg     any = takeScript.Hash()
)

// part is one take's part of a script: its Redis key and cost, boxed, its
// policies' arguments, and then its share of the reply.
type part struct {
	key      any
	cost     any
	policies []*policyArgs
	list     int // scratch of scriptArgs: the index of policies among the script's lists

	reply []any // the take's share of the script's reply
	err   error
}

// setPart fills p for a take, reusing its memory.
func (c *Counter) setPart(p *part, key string, cost int, policies []ratelimit.Policy) {
	p.key, p.cost = c.key(key), max(cost, 0)
	p.policies = p.policies[:0]
	for _, pol := range policies {
		p.policies = append(p.policies, c.policies.get(pol))
	}
}

// replyLen is the length of p's part of the script's reply.
func (p *part) replyLen() int { return 1 + 3*len(p.policies) }

// scriptArgs returns the EVALSHA command of the takes of parts in one
// script (see takeSource): their keys, each distinct list of policies
// once, then each take's list and cost. Takes of one limiter share a list.
func scriptArgs(parts []*part) []any {
	var buf [4]*part
	lists := buf[:0] // the first part of each distinct list
	size := 4 + 3*len(parts)
	for _, p := range parts {
		p.list = 0
		for i, q := range lists {
			if slices.Equal(p.policies, q.policies) {
				p.list = i + 1
				break
			}
		}
		if p.list == 0 {
			lists = append(lists, p)
			p.list = len(lists)
			size += 1 + 5*len(p.policies)
		}
	}
	args := make([]any, 0, size)
	args = append(args, evalshaArg, shaArg, len(parts))
	for _, p := range parts {
		args = append(args, p.key)
	}
	args = append(args, len(lists))
	for _, l := range lists {
		args = append(args, len(l.policies))
		for _, a := range l.policies {
			args = append(args, a.fields[:]...)
		}
		for _, a := range l.policies {
			args = append(args, a.limits[:]...)
		}
	}
	for _, p := range parts {
		args = append(args, p.list, p.cost)
	}
	return args
}
