-- wrk script: GET /v1/records:search over HTTP/JSON, one query per request,
-- taken in turn from a file of one query per line (QUERIES, default
-- queries.txt). Counts non-200 answers so that errors are not read as speed.
--   QUERIES=q.txt wrk -t2 -c16 -d10s -s bench/http/search.lua http://127.0.0.1:8080
local queries = {}
local errors = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local path = os.getenv("QUERIES") or "queries.txt"
for line in io.lines(path) do
  if #line > 0 then queries[#queries + 1] = "/v1/records:search?query=" .. urlencode(line) end
end

local i = 0
function setup(thread)
  thread:set("offset", i * 7)
  i = i + 1
end

local n = 0
function request()
  n = n + 1
  local q = queries[((offset or 0) + n) % #queries + 1]
  return wrk.format("GET", q)
end

function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("searches/s %.0f  p50 %.2f ms  p99 %.2f ms  non-2xx %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
