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
// Redis time, which all requests share. So the takes of one script share a
// TIME, and each list's numbers are parsed, and its windows' indexes and
// weights at that time computed, once. Each take makes two calls (HMGET,
// HSET) and writes only the fields that change; it compares the stored
// window index as a string, parsing it only when its window has turned,
// and moves the expiry only then: to the end of the window after the
// latest current one, which no count outlives usefully.
const takeSource = `
if redis.replicate_commands then redis.replicate_commands() end
local KEYS, ARGV, tonumber, tostring, floor, unpack = KEYS, ARGV, tonumber, tostring, math.floor, unpack
local call = redis.call
-- A stored count as a whole number in 0..2^40 (ratelimit's maxCount): a
-- value someone else wrote (nan, inf, negative, text) neither lifts the
-- limit nor reaches the caller as garbage.
local function count(v)
  v = tonumber(v)
  if not v or v ~= v or v < 0 then return 0 end
  if v > 1099511627776 then return 1099511627776 end
  return floor(v)
end
local t = call('TIME')
local now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)
-- Each list once: per policy q in millionths, w, and at now the window's
-- index (as a number and as stored), elapsed time and the previous
-- window's weight; and the list's expiry.
local lists, a = {}, 2
for m = 1, tonumber(ARGV[1]) do
  local n = tonumber(ARGV[a])
  local list = {n, a, 0}
  for i = 1, n do
    local q = tonumber(ARGV[a + 3 * n + 2 * i - 1])
    local w = tonumber(ARGV[a + 3 * n + 2 * i])
    local idx = floor(now / w)
    local e = now - idx * w
    list[3 + i] = {q * 1000000, w, idx, tostring(idx), e, floor((w - e) * 1000000 / w)}
    if (idx + 2) * w > list[3] then list[3] = (idx + 2) * w end
  end
  lists[m] = list
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
  local n, f = list[1], list[2]
  local h = redis.pcall('HMGET', key, 'x', unpack(ARGV, f + 1, f + 3 * n))
  if h.err then
    out[o + 1] = h.err
    for j = 2, 1 + 3 * n do out[o + j] = 0 end
  else
    local taken, s, cu = 1, 0, cost * 1000000
    for i = 1, n do
      local P, j = list[3 + i], 3 * i
      local c, p, e, weight = 0, 0, P[5], P[6]
      local hw = h[j - 1]
      if hw ~= P[4] then hw = tonumber(hw) end
      if hw == P[4] or hw == P[3] then
        c, p = count(h[j]), count(h[j + 1])
      elseif hw == nil or hw < P[3] then
        if hw == P[3] - 1 then p = count(h[j]) end
        set[s + 1], set[s + 2], set[s + 3], set[s + 4] = ARGV[f + j - 2], P[4], ARGV[f + j], p
        s = s + 4
      else -- stored ahead of now (Redis' clock went back): that window goes on
        c, p, e, weight = count(h[j]), count(h[j + 1]), 0, 1000000
      end
      if p * weight + c * 1000000 + cu > P[1] then taken = 0 end
      out[o + j - 1], out[o + j], out[o + j + 1] = e, c, p
    end
    out[o + 1] = taken
    if taken == 1 and cost > 0 then
      local rotated = s > 0
      for i = 1, n do
        local j = o + 3 * i
        out[j] = out[j] + cost
        set[s + 1], set[s + 2] = ARGV[f + 3 * i - 1], out[j]
        s = s + 2
      end
      if rotated and list[3] > (tonumber(h[1]) or 0) then
        set[s + 1], set[s + 2] = 'x', list[3]
        call('HSET', key, unpack(set, 1, s + 2))
        call('PEXPIREAT', key, list[3])
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
