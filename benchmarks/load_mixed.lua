-- wrk over a list of requests (benchmarks/bench_harness.py's wrk_paths, used by
-- load_test.py and sparql_endpoint.py). The list is a file of "Accept path"
-- lines, given as the first argument after "--"; each request takes the next
-- line. The second argument is the mode: "keep-alive" (the default) or
-- "close" (a "Connection: close" header: a new connection per request),
-- either followed by "+vary": then the threads split the list between them
-- and, from the second pass through it on, a /sparql query gets a comment
-- with the pass number, so no query text is ever sent twice (an answer cache
-- cannot help). Failed requests are counted by wrk itself (done() prints its
-- counts), so "zero errors" is measured, not assumed.

local requests = {}
local paths = {}
local accepts = {}
local counter = 0
local step = 1
local close = false
local vary = false

local thread_count = 0
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

local function headers(accept)
  local h = { ["Accept"] = accept }
  if close then
    h["Connection"] = "close"
  end
  return h
end

function init(args)
  local mode = args[2] or "keep-alive"
  close = mode:find("^close") ~= nil
  vary = mode:find("+vary", 1, true) ~= nil
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local accept, path = line:match("^(%S+)%s+(.+)$")
    if accept then
      table.insert(paths, path)
      table.insert(accepts, accept)
      table.insert(requests, wrk.format("GET", path, headers(accept)))
    end
  end
  file:close()
  if vary then
    -- Thread k takes lines k+1, k+1+T, ...: no two threads ask the same thing in a pass.
    step = tonumber(args[3] or "2")
    counter = id % #requests
  else
    -- Start each thread at a different place in the list.
    counter = math.random(#requests) - 1
  end
end

function request()
  local index = counter % #requests + 1
  local pass = math.floor(counter / #requests) + 1
  counter = counter + step
  if vary and pass > 1 and paths[index]:find("?query=", 1, true) then
    -- A newline and "# pass N", URL-encoded, at the end of the query.
    return wrk.format("GET", paths[index] .. "%0A%23%20pass%20" .. pass, headers(accepts[index]))
  end
  return requests[index]
end

function done(summary, latency, requests_)
  io.write(string.format("LATENCY p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("TOTAL requests=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
