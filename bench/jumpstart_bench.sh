#!/usr/bin/env bash
# Jumpstart validation over HTTP at 32 connections with unique pre-minted tokens
# (the durable one-time claim included), vcserver beside a Node.js peer
# (bench/peer: fastify + jose, in-memory replay set) in the same run; plus
# vcserver's RSS idle and under load and its start time to a healthy /healthz.
#   bench/jumpstart_bench.sh [BUILD_DIR] [SECONDS]
# Prints a markdown section. Loopback only; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
secs=${2:-5}
bin="$build_dir/bin"
for t in vcserver mint_tokens; do
  [ -x "$bin/$t" ] || { echo "missing $bin/$t: build $build_dir first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -d bench/peer/node_modules ] || (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rp.pem" 2>/dev/null
openssl pkey -in "$work/rp.pem" -pubout -out "$work/rp_pub.pem"
redirect=https://bench.example/onboarding/done
# ~secs x 30k requests/s per run, three runs (ours twice, the peer once).
count=$(( secs * 30000 ))
"$bin/mint_tokens" "$work/rp.pem" bench "$redirect" "$count" "$work/tokens_a.txt" 3600
"$bin/mint_tokens" "$work/rp.pem" bench "$redirect" "$count" "$work/tokens_b.txt" 3600

write_config() {  # $1 = log level
  cat > "$work/config.json" <<JSON
{"environment":"test","listen":"127.0.0.1:0","publicBaseUrl":"http://127.0.0.1:8080",
 "dataDir":"$work/data","logLevel":"$1","rateLimits":{"intake":{"perIp":0,"perOrg":0}},"proofingProviders":{"sandbox":{"type":"sandbox"}},
 "orgs":[{"id":"bench","redirectUrls":["$redirect"],"keys":{"pemFiles":["$work/rp_pub.pem"]},"maxTokenLifetimeSeconds":3600}]}
JSON
}

# Starts a server whose first stdout line says "listening on URL"; sets URL and PID.
start() {
  local out="$work/out.$RANDOM"
  "$@" > "$out" 2>/dev/null &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 500); do
    URL=$(grep -o 'listening on http://[^ ]*' "$out" 2>/dev/null | head -1 | cut -d' ' -f3) || true
    [ -n "$URL" ] && return 0
    sleep 0.01
  done
  echo "server did not start: $*" >&2
  exit 1
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# Runs wrk against $URL with a token file; prints "rps p50 p99 non303 peak_rss_kb".
load() {  # $1 = tokens file, $2.. extra wrk args
  local tokens=$1; shift
  local peak=0 sampler
  ( while kill -0 "$PID" 2>/dev/null; do r=$(rss_kb "$PID"); echo "$r"; sleep 0.2; done ) > "$work/rss" &
  sampler=$!
  local res
  res=$(TOKENS=$tokens ORG=bench WRK_THREADS=2 wrk -t2 -c32 -d"${secs}s" --latency \
          -s bench/jumpstart.lua "$@" "$URL" | grep '^RESULT')
  kill "$sampler" 2>/dev/null || true
  peak=$(sort -n "$work/rss" | tail -1)
  echo "$res" | sed -E 's/.*requests=([0-9]+) non303=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) rps=([0-9.]+).*/\5 \3 \4 \2/' \
    | awk -v peak="${peak:-0}" '{print $1, $2, $3, $4, peak}'
}

write_config warn
start "$bin/vcserver" --config "$work/config.json"
ours_pid=$PID
idle_rss=$(rss_kb "$ours_pid")
read -r ours_rps ours_p50 ours_p99 ours_bad ours_peak < <(load "$work/tokens_a.txt")
read -r ka_rps ka_p50 ka_p99 ka_bad ka_peak < <(load "$work/tokens_b.txt" -H "Connection: keep-alive")
kill "$ours_pid"; wait "$ours_pid" 2>/dev/null || true

# Start time with an existing data dir: spawn to the first 200 from /healthz.
write_config warn
t0=$(date +%s%N)
start "$bin/vcserver" --config "$work/config.json"
for _ in $(seq 1 2000); do
  curl -sf "$URL/healthz" >/dev/null && break
  sleep 0.002
done
t1=$(date +%s%N)
start_ms=$(( (t1 - t0) / 1000000 ))
kill "$PID"; wait "$PID" 2>/dev/null || true

start node bench/peer/server.mjs "$work/rp_pub.pem" bench "$redirect" 3600
read -r peer_rps peer_p50 peer_p99 peer_bad peer_peak < <(load "$work/tokens_a.txt")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<MD
| server | requests/s | p50 ms | p99 ms | refused (non-303) | peak RSS MB |
|---|---:|---:|---:|---:|---:|
| vcserver (no Connection header) | $ours_rps | $ours_p50 | $ours_p99 | $ours_bad | $(( ours_peak / 1024 )) |
| vcserver (Connection: keep-alive) | $ka_rps | $ka_p50 | $ka_p99 | $ka_bad | $(( ka_peak / 1024 )) |
| Node peer (fastify + jose) | $peer_rps | $peer_p50 | $peer_p99 | $peer_bad | $(( peer_peak / 1024 )) |

- **vcserver / Node peer requests/s: $(ratio "$ours_rps" "$peer_rps")** (target ≥ 1.5, p99 ≤ 10 ms)
- vcserver RSS idle: $(( idle_rss / 1024 )) MB (target ≤ 30); under load: $(( ours_peak / 1024 )) MB (target ≤ 100)
- start to healthy /healthz with an existing data dir: ${start_ms} ms (target ≤ 200)
- wrk -t2 -c32 -d${secs}s on the same 2-core machine as the servers; every request carries an unused
  token, so each one does the RS256 verify, the claim checks and (vcserver) the durable SQLite
  claim + session insert (synchronous=FULL); logLevel warn (no access log line).
MD
