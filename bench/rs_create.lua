-- wrk script: POSTs the same valid create request (createIssuanceRequest or
-- createPresentationRequest) with a bearer token; every 201 is a request stored
-- durably by the embedded Request Service. Environment: BEARER, BODY (file).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("BODY"), "r"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BEARER")
  bad = 0
end

function response(status, headers, body)
  if status ~= 201 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local refused = 0
  for _, t in ipairs(threads) do refused = refused + (t:get("bad") or 0) end
  io.write(string.format("RESULT requests=%d refused=%d p50_ms=%.3f p99_ms=%.3f rps=%.1f\n",
                         summary.requests, refused, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000,
                         summary.requests / (summary.duration / 1e6)))
end
