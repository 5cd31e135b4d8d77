-- Mixed traffic for histgraph's load test (benchmarks/load_test.py).
-- Each request picks the next of a fixed list of paths and Accept headers
-- (entity pages as HTML, Turtle and JSON-LD, /sparql point queries, named
-- queries, the search API); the list is written by load_test.py into
-- load_paths.txt beside the results. Responses that are not 2xx/3xx are counted
-- and printed at the end, so "zero errors" is measured, not assumed.

local requests = {}
local counter = 0
local errors = 0
local statuses = {}

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local accept, path = line:match("^(%S+)%s+(.+)$")
    if accept then
      table.insert(requests, wrk.format("GET", path, { ["Accept"] = accept }))
    end
  end
  file:close()
  -- Start each thread at a different place in the list.
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end

function response(status, headers, body)
  if status >= 400 then
    errors = errors + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests_)
  -- Thread-local counters are not visible here; wrk reports non-2xx/3xx itself
  -- ("Non-2xx or 3xx responses"), which load_test.py reads. Latency percentiles:
  io.write(string.format("LATENCY p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("TOTAL requests=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
