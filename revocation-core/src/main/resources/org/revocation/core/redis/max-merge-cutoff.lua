-- Max-merge one user's cutoff (DESIGN.md section 2: cutoffs only move forward; duplicates and stale events change nothing).
-- KEYS[1] the user's bucket (rsv:u:{group}:tenant:bucket), a hash of user id -> cutoff
-- ARGV[1] the user id (the field)
-- ARGV[2] the cutoff, epoch milliseconds
-- Returns 1 when the user's cutoff moved forward, 0 when the event changed nothing.
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
