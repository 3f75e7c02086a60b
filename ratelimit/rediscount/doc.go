// Package rediscount keeps rate-limit counts in Redis, so a quota holds
// across every replica of an API. It is the only chiguard package that
// imports a Redis client (github.com/redis/go-redis/v9): programs that never
// use it never link one.
//
//	rdb := goredis.NewUniversalClient(&goredis.UniversalOptions{Addrs: addrs, ContextTimeoutEnabled: true})
//	counter, err := rediscount.NewCounter(rdb, rediscount.Config{})
//	...
//	defer counter.Close()
//	r.With(ratelimit.Limit(100, time.Minute, ratelimit.CountIn(counter))).Get("/search", search)
//
// Each request costs one round trip: a Lua script, sent with EVALSHA (and
// loaded once), checks and takes the quota of all the limiter's policies
// atomically on Redis' clock. With ContextTimeoutEnabled on the client, the
// takes of concurrent requests share that round trip and one script (see
// Config): a busy replica then costs Redis a fraction of a script per
// request, and the quotas stay exact.
//
// All the policies of a limiter key live in one hash, named by the prefix
// and the key's SHA-256 (its first 128 bits, in hex, in braces: the Cluster
// hash tag), so no client input is stored in clear and a key never spans
// Cluster slots. The hash expires at the end of the window after the
// current one of its longest policy.
//
// When Redis fails or does not answer within Config.Timeout, the counter
// serves from a local fallback counter (each replica then counts alone),
// probes Redis in the background and switches back once it answers: a
// circuit breaker with a half-open state. No request waits for a dead Redis
// longer than the timeout.
package rediscount
