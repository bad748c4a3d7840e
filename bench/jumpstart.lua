-- wrk script: every request uses the next unused pre-minted jumpstart token,
-- so each one exercises the full check including the one-time claim.
-- Environment: TOKENS (file, one token per line), ORG, WRK_THREADS (as -t).
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens, counter, bad = {}, 0, 0
  local stride = tonumber(os.getenv("WRK_THREADS") or "2")
  local n = 0
  for line in io.lines(os.getenv("TOKENS")) do
    -- each wrk thread takes its own stripe, so no token is sent twice
    if n % stride == id then tokens[#tokens + 1] = line end
    n = n + 1
  end
  path_prefix = "/" .. (os.getenv("ORG") or "bench") .. "/?token="
end

function request()
  counter = counter + 1
  return wrk.format("GET", path_prefix .. (tokens[counter] or "exhausted"),
                    {["Accept"] = "application/json"})
end

function response(status, headers, body)
  if status ~= 303 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local refused, used = 0, 0
  for _, t in ipairs(threads) do
    refused = refused + (t:get("bad") or 0)
    used = used + (t:get("counter") or 0)
  end
  io.write(string.format("RESULT requests=%d refused=%d p50_ms=%.3f p99_ms=%.3f rps=%.1f\n",
                         summary.requests, refused, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000,
                         summary.requests / (summary.duration / 1e6)))
end
