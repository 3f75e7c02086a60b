package rediscount

import goredis "github.com/redis/go-redis/v9"

// takeSource is ratelimit's sliding window (see ratelimit.Usage) as one
// atomic step in Redis, for one take or for several at once. It decides
// exactly as the Go counters do: integer milliseconds and millionths of a
// unit, exact in Lua's doubles within ratelimit.MaxQuota and
// ratelimit.MaxWindow.
//
// KEYS[k] is the hash of take k's limiter key, holding all its policies:
// for policy i, three fields hold w (index of the current window), c (its
// count) and p (the previous window's count); field x is the hash's
// expiry, in ms since the epoch. ARGV holds the takes' lists of policies
// once each (their number first, then for each list its number of
// policies n, the policies' field names, w, c and p of each, and their
// quotas and windows in ms, q and w of each), then each take's list (its
// index, from 1) and cost. For each take in turn the script returns
// {taken, elapsed_1, current_1, previous_1, elapsed_2, ...}: the cost is
// taken from every policy or from none; a hash it cannot read gives
// Redis' error instead of taken, and fails that take only.
//
// Every redis.call, number parsed or printed, and Lua value made costs
// Redis time, which all requests share. So the takes of one script share
// a TIME and their lists' numbers, and each take makes two calls (HMGET,
// HSET), writes only the fields that change, and sets the expiry only when
// it moves: to the end of the window after the latest current one, which
// no count outlives usefully.
const takeSource = `
if redis.replicate_commands then redis.replicate_commands() end
local KEYS, ARGV, tonumber, floor, unpack = KEYS, ARGV, tonumber, math.floor, unpack
local call = redis.call
local t = call('TIME')
local now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
local lists, a = {}, 2
for m = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  local q, w = {}, {}
  for i = 1, n do
    q[i] = tonumber(ARGV[a + 3 * n + 2 * i - 1])
    w[i] = tonumber(ARGV[a + 3 * n + 2 * i])
  end
  lists[m] = {n, a, q, w}
  a = a + 1 + 5 * n
end
local nums, out, set, o = {}, {}, {}, 0
for k = 1, #KEYS do
  local key = KEYS[k]
  local m, cost = nums[ARGV[a]], nums[ARGV[a + 1]]
  if not m then m = tonumber(ARGV[a]); nums[ARGV[a]] = m end
  if not cost then cost = tonumber(ARGV[a + 1]); nums[ARGV[a + 1]] = cost end
  a = a + 2
  local list = lists[m]
  local n, f, qs, ws = list[1], list[2], list[3], list[4]
  local h = redis.pcall('HMGET', key, 'x', unpack(ARGV, f + 1, f + 3 * n))
  if h.err then
    out[o + 1] = h.err
    for j = 2, 1 + 3 * n do out[o + j] = 0 end
  else
    local taken, s, expiry = 1, 0, 0
    for i = 1, n do
      local q, w = qs[i], ws[i]
      local idx = floor(now / w)
      local e = now - idx * w
      local hw = tonumber(h[3 * i - 1])
      local c = tonumber(h[3 * i]) or 0
      local p = tonumber(h[3 * i + 1]) or 0
      if hw ~= idx then
        if hw == nil or hw < idx then
          if hw == idx - 1 then p = c else p = 0 end
          c = 0
          set[s + 1], set[s + 2], set[s + 3], set[s + 4] = ARGV[f + 3 * i - 2], idx, ARGV[f + 3 * i], p
          s = s + 4
        else
          idx, e = hw, 0
        end
      end
      if p * floor((w - e) * 1000000 / w) + (c + cost) * 1000000 > q * 1000000 then taken = 0 end
      local j = o + 3 * i
      out[j - 1], out[j], out[j + 1] = e, c, p
      if (idx + 2) * w > expiry then expiry = (idx + 2) * w end
    end
    out[o + 1] = taken
    if taken == 1 and cost > 0 then
      for i = 1, n do
        local j = o + 3 * i
        out[j] = out[j] + cost
        set[s + 1], set[s + 2] = ARGV[f + 3 * i - 1], out[j]
        s = s + 2
      end
      if expiry > (tonumber(h[1]) or 0) then
        set[s + 1], set[s + 2] = 'x', expiry
        call('HSET', key, unpack(set, 1, s + 2))
        call('PEXPIREAT', key, expiry)
      else
        call('HSET', key, unpack(set, 1, s))
      end
    end
  end
  o = o + 1 + 3 * n
end
return out
`

// takeScript runs takeSource by EVALSHA, loading it with EVAL on NOSCRIPT.
var takeScript = goredis.NewScript(takeSource)
