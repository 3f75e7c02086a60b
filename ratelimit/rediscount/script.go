package rediscount

import goredis "github.com/redis/go-redis/v9"

// takeScript is ratelimit's sliding window (see ratelimit.Usage) as one
// atomic step in Redis. It decides exactly as the Go counters do: integer
// milliseconds and millionths of a unit, exact in Lua's doubles within
// ratelimit.MaxQuota and ratelimit.MaxWindow.
//
// KEYS[i] is a hash per policy: w (index of the current window), c (its
// count), p (the previous window's count). ARGV[1] is the cost; ARGV[2i]
// and ARGV[2i+1] are policy i's quota and window in ms. It returns
// {taken, elapsed_1, current_1, previous_1, elapsed_2, ...}: the cost is
// taken from every policy or from none.
var takeScript = goredis.NewScript(`
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local unit = 1000000
local taken = 1
local st = {}
for i = 1, #KEYS do
  local q = tonumber(ARGV[2 * i])
  local w = tonumber(ARGV[2 * i + 1])
  local idx = math.floor(now / w)
  local e = now - idx * w
  local h = redis.call('HMGET', KEYS[i], 'w', 'c', 'p')
  local hw = tonumber(h[1])
  local c = tonumber(h[2]) or 0
  local p = tonumber(h[3]) or 0
  if hw == nil or hw < idx then
    if hw == idx - 1 then p = c else p = 0 end
    c = 0
  elseif hw > idx then
    idx = hw
    e = 0
  end
  local weight = math.floor((w - e) * unit / w)
  if p * weight + (c + cost) * unit > q * unit then taken = 0 end
  st[i] = {idx, e, c, p, w}
end
local out = {taken}
for i = 1, #KEYS do
  local s = st[i]
  if taken == 1 and cost > 0 then
    s[3] = s[3] + cost
    redis.call('HSET', KEYS[i], 'w', s[1], 'c', s[3], 'p', s[4])
    redis.call('PEXPIRE', KEYS[i], 2 * s[5])
  end
  out[#out + 1] = s[2]
  out[#out + 1] = s[3]
  out[#out + 1] = s[4]
end
return out
`)
