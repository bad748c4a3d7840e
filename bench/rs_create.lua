-- wrk script: POSTs the same valid create request (createIssuanceRequest or
-- createPresentationRequest) with a bearer token; every 201 is a request stored
-- durably by the embedded Request Service. Only a 201 is accepted; every other
-- answer is refused. Environment: BEARER, BODY (file).
-- Prints the same RESULT line as jumpstart.lua (exhausted is always 0).
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
  accepted, refused = 0, 0
end

function response(status, headers, body)
  if status == 201 then accepted = accepted + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + (t:get("accepted") or 0)
    bad = bad + (t:get("refused") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d accepted=%d refused=%d exhausted=0 errors=%d p50_ms=%.3f p99_ms=%.3f rps=%.1f\n",
    summary.requests, ok, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    ok / (summary.duration / 1e6)))
end
