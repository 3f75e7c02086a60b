package rediscount

import goredis "github.com/redis/go-redis/v9"

// takeSource is ratelimit's sliding window (see ratelimit.Usage) as one
// atomic step in Redis. It decides exactly as the Go counters do: integer
// milliseconds and millionths of a unit, exact in Lua's doubles within
// ratelimit.MaxQuota and ratelimit.MaxWindow.
//
// KEYS[1] is a hash holding all the policies of one limiter key: for
// policy i, three fields (names in ARGV) hold w (index of the current
// window), c (its count) and p (the previous window's count); field x is
// the key's expiry, in ms since the epoch. ARGV[1] is the cost, then come
// the n policies' field names (w, c, p of each), then their quotas and
// windows in ms (q, w of each). It returns {taken, elapsed_1, current_1,
// previous_1, elapsed_2, ...}: the cost is taken from every policy or
// from none.
//
// Every redis.call and every number parsed or printed costs Redis time,
// which all requests share, so the script makes three calls (TIME, HMGET,
// HSET), writes only the fields that change, and sets the expiry only
// when it moves: to the end of the window after the latest current one,
// which no count outlives usefully.
const takeSource = `
if redis.replicate_commands then redis.replicate_commands() end
local floor = math.floor
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local n = (#ARGV - 1) / 5
local h = redis.call('HMGET', KEYS[1], 'x', unpack(ARGV, 2, 1 + 3 * n))
local taken = 1
local out = {1}
local set = {}
local expiry = 0
for i = 1, n do
  local q = tonumber(ARGV[3 * n + 2 * i])
  local w = tonumber(ARGV[3 * n + 2 * i + 1])
  local idx = floor(now / w)
  local e = now - idx * w
  local hw = tonumber(h[3 * i - 1])
  local c = tonumber(h[3 * i]) or 0
  local p = tonumber(h[3 * i + 1]) or 0
  if hw ~= idx then
    if hw == nil or hw < idx then
      if hw == idx - 1 then p = c else p = 0 end
      c = 0
      set[#set + 1] = ARGV[3 * i - 1]
      set[#set + 1] = idx
      set[#set + 1] = ARGV[3 * i + 1]
      set[#set + 1] = p
    else
      idx, e = hw, 0
    end
  end
  if p * floor((w - e) * 1000000 / w) + (c + cost) * 1000000 > q * 1000000 then taken = 0 end
  out[3 * i - 1], out[3 * i], out[3 * i + 1] = e, c, p
  if (idx + 2) * w > expiry then expiry = (idx + 2) * w end
end
out[1] = taken
if taken == 0 or cost == 0 then return out end
for i = 1, n do
  out[3 * i] = out[3 * i] + cost
  set[#set + 1] = ARGV[3 * i]
  set[#set + 1] = out[3 * i]
end
if expiry > (tonumber(h[1]) or 0) then
  set[#set + 1] = 'x'
  set[#set + 1] = expiry
  redis.call('HSET', KEYS[1], unpack(set))
  redis.call('PEXPIREAT', KEYS[1], expiry)
else
  redis.call('HSET', KEYS[1], unpack(set))
end
return out
`

// takeScript runs takeSource by EVALSHA, loading it with EVAL on NOSCRIPT.
var takeScript = goredis.NewScript(takeSource)
