-- wrk script for `benchmarks/run.py --cold`: every request gets a unique `cold=` query
-- parameter, so the public cache (keyed by path and query) never answers and each page is
-- rendered from the database. Each wrk thread numbers its own requests, after a mark of
-- this run: a second run against the same server would otherwise ask for the addresses the
-- first one left in the cache.
local threads = 0
math.randomseed(os.time() + math.floor(os.clock() * 1000000))
local run = os.time() .. "." .. math.random(1, 1000000000)

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", run .. "." .. threads)
end

local counter = 0

function request()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  local path = wrk.path .. separator .. "cold=" .. thread_number .. "-" .. counter
  return wrk.format(nil, path)
end
