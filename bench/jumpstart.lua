-- wrk script: every request uses the next unused pre-minted jumpstart token,
-- so each one exercises the full check including the one-time claim.
-- Only a 303 is accepted; every other answer is refused. A thread that has
-- sent all its tokens goes on with the token "exhausted", which every server
-- refuses: a file too short for the run shows as refused (and as exhausted),
-- never as throughput. Headers given with wrk -H (Connection: keep-alive) are
-- sent with every request.
-- Environment: TOKENS (file, one token per line), ORG, WRK_THREADS (as -t).
-- Thread i reads TOKENS.i when that file exists (bench/server_bench.sh writes
-- one per thread: wrk runs thread 0 while it still initialises thread 1, so a
-- short init keeps that head start small); otherwise it takes every
-- WRK_THREADS-th line of TOKENS, starting at line i + 1.
-- Prints one line: RESULT requests= accepted= refused= exhausted= errors=
-- p50_ms= p99_ms= rps= (rps counts accepted answers only; errors are socket
-- errors: connect, read, write, timeout; exhausted counts requests sent
-- after the tokens ran out, answered or still in flight at the end).
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens, sent, accepted, refused = {}, 0, 0, 0
  local file = os.getenv("TOKENS")
  local own = io.open(file .. "." .. id, "r")
  if own then
    for line in own:lines() do tokens[#tokens + 1] = line end
    own:close()
  else
    local stride = tonumber(os.getenv("WRK_THREADS") or "2")
    local n = 0
    for line in io.lines(file) do
      -- each wrk thread takes its own stripe, so no token is sent twice
      if n % stride == id then tokens[#tokens + 1] = line end
      n = n + 1
    end
  end
  have = #tokens
  path_prefix = "/" .. (os.getenv("ORG") or "bench") .. "/?token="
  -- wrk.format merges its headers argument with nothing: -H headers live in
  -- wrk.headers, so ours goes there too and wrk.format gets none.
  wrk.headers["Accept"] = "application/json"
end

function request()
  sent = sent + 1
  return wrk.format("GET", path_prefix .. (tokens[sent] or "exhausted"))
end

function response(status, headers, body)
  if status == 303 then accepted = accepted + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local ok, bad, exhausted = 0, 0, 0
  for _, t in ipairs(threads) do
    ok = ok + (t:get("accepted") or 0)
    bad = bad + (t:get("refused") or 0)
    exhausted = exhausted + math.max(0, (t:get("sent") or 0) - (t:get("have") or 0))
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d accepted=%d refused=%d exhausted=%d errors=%d p50_ms=%.3f p99_ms=%.3f rps=%.1f\n",
    summary.requests, ok, bad, exhausted, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    ok / (summary.duration / 1e6)))
end
