-- Max-merge one user's cutoff (DESIGN.md section 2: cutoffs only move forward; duplicates and stale events change nothing).
-- KEYS[1] the check key  (rsv:c:{tenant}:{user}), expires at cutoff + lifetime
-- KEYS[2] the durable key (rsv:v:{tenant}:{user}), never expires
-- ARGV[1] the cutoff, epoch milliseconds
-- ARGV[2] the check key's lifetime after the cutoff, milliseconds (longest session lifetime + skew allowance)
-- ARGV[3] now, epoch milliseconds, from the writer's clock
-- Returns 1 when the durable cutoff moved forward, 0 when the event changed nothing.
local cutoff = tonumber(ARGV[1])
local expireAt = cutoff + tonumber(ARGV[2])
local moved = 0
local durable = tonumber(redis.call('GET', KEYS[2]) or '0')
if cutoff > durable then
  redis.call('SET', KEYS[2], ARGV[1])
  moved = 1
end
if expireAt > tonumber(ARGV[3]) then
  local current = tonumber(redis.call('GET', KEYS[1]) or '0')
  if cutoff > current then
    redis.call('SET', KEYS[1], ARGV[1], 'PXAT', expireAt)
  end
end
return moved
