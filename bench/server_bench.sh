#!/usr/bin/env bash
# vcserver over HTTP, wrk -t2 -c32 on the same machine:
#   (1) jumpstart validation with unique pre-minted RS256 tokens (the durable
#       one-time claim + session insert included), without and with a
#       Connection: keep-alive request header;
#   (2) the Node.js peer (bench/peer: fastify + jose, in-memory replay set) in
#       the same run, for the ratio;
#   (3) createIssuanceRequest and createPresentationRequest on the embedded
#       Request Service (bearer token from vcctl);
#   (6) RSS idle and under loads (1) and (3), start time to a healthy /healthz.
#   bench/server_bench.sh [BUILD_DIR] [SECONDS]
# Prints a markdown section; with FACTS=FILE also appends "key value" lines
# for bench/run.sh's JSON. Loopback only; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
secs=${2:-5}
bin="$build_dir/bin"
for t in vcserver vcctl mint_tokens; do
  [ -x "$bin/$t" ] || { echo "missing $bin/$t: build $build_dir first" >&2; exit 1; }
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -d bench/peer/node_modules ] || (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error)
facts=${FACTS:-/dev/null}
fact() { echo "$1 $2" >> "$facts"; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/rp.pem" 2>/dev/null
openssl pkey -in "$work/rp.pem" -pubout -out "$work/rp_pub.pem"
redirect=https://bench.example/onboarding/done
# Enough for ~secs x 10k requests/s per run (minting is the slow part of setup);
# three files: ours twice, the peer once.
count=$(( secs * 10000 ))
for f in a b c; do
  "$bin/mint_tokens" "$work/rp.pem" bench "$redirect" "$count" "$work/tokens_$f.txt" 3600
done

# Listen on port 0: the embedded Request Service then takes the bound address as
# its public URL and authority. No "roles": every role, as in a default install.
cat > "$work/config.json" <<JSON
{"environment":"test","listen":"127.0.0.1:0","dataDir":"$work/data","logLevel":"warn",
 "rateLimits":{"intake":{"perIp":0,"perOrg":0},"token":{"perIp":0,"perOrg":0},"create":{"perIp":0,"perOrg":0}},
 "proofingProviders":{"sandbox":{"type":"sandbox"}},
 "orgs":[{"id":"bench","redirectUrls":["$redirect"],"keys":{"pemFiles":["$work/rp_pub.pem"]},"maxTokenLifetimeSeconds":3600}]}
JSON

# Starts a server whose stdout says "listening on URL"; sets URL and PID.
start() {
  local out="$work/out.$RANDOM"
  "$@" > "$out" 2>/dev/null &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 1000); do
    URL=$(grep -o 'listening on http://[^ ]*' "$out" 2>/dev/null | head -1 | cut -d' ' -f3) || true
    [ -n "$URL" ] && return 0
    sleep 0.01
  done
  echo "server did not start: $*" >&2
  exit 1
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# wrk at 32 connections; prints "rps p50 p99 refused peak_rss_kb".
load() {  # $1 = lua script, $2.. extra wrk args; env passed through
  local script=$1; shift
  ( while kill -0 "$PID" 2>/dev/null; do status_kb "$PID" VmRSS; sleep 0.2; done ) > "$work/rss" &
  local sampler=$!
  local res
  res=$(WRK_THREADS=2 wrk -t2 -c32 -d"${secs}s" --latency -s "$script" "$@" "$URL" | grep '^RESULT')
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local peak
  peak=$(sort -n "$work/rss" | tail -1)
  echo "$res" | sed -E 's/.*refused=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+) rps=([0-9.]+).*/\4 \2 \3 \1/' \
    | awk -v peak="${peak:-0}" '{print $1, $2, $3, $4, peak}'
}
jumpstart() { TOKENS=$1 ORG=bench load bench/jumpstart.lua "${@:2}"; }

# ---- (1) + (6): jumpstart on vcserver, RSS idle and under load ------------
start "$bin/vcserver" --config "$work/config.json"
ours_pid=$PID
sleep 0.5
idle_rss=$(status_kb "$ours_pid" VmRSS)
read -r ours_rps ours_p50 ours_p99 ours_bad ours_peak < <(jumpstart "$work/tokens_a.txt")
read -r ka_rps ka_p50 ka_p99 ka_bad ka_peak < <(jumpstart "$work/tokens_b.txt" -H "Connection: keep-alive")
hwm_load1=$(status_kb "$ours_pid" VmHWM)

# ---- (3): the embedded Request Service, same process ----------------------
authority="did:web:$(sed -E 's|http://||; s|:|%3A|' <<<"$URL")"
bearer=$("$bin/vcctl" request-service token --data-dir "$work/data")
callback='"callback":{"url":"http://127.0.0.1:9/cb","state":"bench","headers":{"api-key":"k"}}'
cat > "$work/issue.json" <<JSON
{$callback,"registration":{"clientName":"bench"},"authority":"$authority","type":"VerifiedIdentity",
 "manifest":"$URL/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest",
 "claims":{"realName":"Megan Bowen"}}
JSON
cat > "$work/present.json" <<JSON
{$callback,"registration":{"clientName":"bench","purpose":"benchmark"},"authority":"$authority",
 "requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":["$authority"]}]}
JSON
rs() { BEARER=$bearer BODY=$1 load bench/rs_create.lua "${@:2}"; }
URL_BASE=$URL
URL="$URL_BASE/v1.0/verifiableCredentials/createIssuanceRequest"
read -r iss_rps iss_p50 iss_p99 iss_bad iss_peak < <(rs "$work/issue.json")
URL="$URL_BASE/v1.0/verifiableCredentials/createPresentationRequest"
read -r pre_rps pre_p50 pre_p99 pre_bad pre_peak < <(rs "$work/present.json")
URL=$URL_BASE
hwm_load3=$(status_kb "$ours_pid" VmHWM)
stop "$ours_pid"

# ---- (6): start to a healthy /healthz with the existing data dir (median of 5)
starts=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  start "$bin/vcserver" --config "$work/config.json"
  for _ in $(seq 1 2000); do
    curl -sf "$URL/healthz" >/dev/null && break
    sleep 0.002
  done
  t1=$(date +%s%N)
  starts+=($(( (t1 - t0) / 1000000 )))
  stop "$PID"
done
start_ms=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p)

# ---- (2): the Node peer ---------------------------------------------------
start node bench/peer/server.mjs "$work/rp_pub.pem" bench "$redirect" 3600
read -r peer_rps peer_p50 peer_p99 peer_bad peer_peak < <(jumpstart "$work/tokens_c.txt")
stop "$PID"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
best_rps=$(awk -v a="$ours_rps" -v b="$ka_rps" 'BEGIN { print (a > b) ? a : b }')
declare -A names=([ours]=jumpstart_vcserver [ka]=jumpstart_vcserver_keepalive
                   [peer]=jumpstart_node_peer [iss]=rs_create_issuance [pre]=rs_create_presentation)
for k in ours ka peer iss pre; do
  for m in rps p50 p99 bad; do v="${k}_$m"; fact "${names[$k]}.${m/bad/refused}" "${!v}"; done
done
fact ratio.jumpstart_vs_peer "$(ratio "$ours_rps" "$peer_rps")"
fact ratio.jumpstart_keepalive_vs_peer "$(ratio "$ka_rps" "$peer_rps")"
fact rss.idle_kb "$idle_rss"; fact rss.hwm_load1_kb "$hwm_load1"; fact rss.hwm_load3_kb "$hwm_load3"
fact rss.peak_load1_kb "$ours_peak"; fact rss.peak_load3_kb "$iss_peak"; fact rss.peer_peak_kb "$peer_peak"
fact start.healthz_ms_median "$start_ms"; fact start.healthz_ms_runs "$(IFS=,; echo "${starts[*]}")"
cat <<MD
| load (wrk -t2 -c32 -d${secs}s) | requests/s | p50 ms | p99 ms | refused | peak RSS MB |
|---|---:|---:|---:|---:|---:|
| (1) jumpstart, vcserver (no Connection header) | $ours_rps | $ours_p50 | $ours_p99 | $ours_bad | $(mb "$ours_peak") |
| (1) jumpstart, vcserver (Connection: keep-alive) | $ka_rps | $ka_p50 | $ka_p99 | $ka_bad | $(mb "$ka_peak") |
| (2) jumpstart, Node peer (fastify + jose) | $peer_rps | $peer_p50 | $peer_p99 | $peer_bad | $(mb "$peer_peak") |
| (3) createIssuanceRequest, embedded Request Service | $iss_rps | $iss_p50 | $iss_p99 | $iss_bad | $(mb "$iss_peak") |
| (3) createPresentationRequest, embedded Request Service | $pre_rps | $pre_p50 | $pre_p99 | $pre_bad | $(mb "$pre_peak") |

- **jumpstart vcserver / Node peer: $(ratio "$ours_rps" "$peer_rps")** without a Connection header,
  $(ratio "$ka_rps" "$peer_rps") with keep-alive (target ≥ 1.5 with p99 ≤ 10 ms).
- vcserver RSS idle $(mb "$idle_rss") MB (target ≤ 30); VmHWM after load (1) $(mb "$hwm_load1") MB,
  after load (3) $(mb "$hwm_load3") MB (target ≤ 100). Node peer peak $(mb "$peer_peak") MB.
- start to a healthy /healthz with an existing data dir: ${start_ms} ms, median of 5
  (${starts[*]}) (target ≤ 200).
- Every jumpstart request carries an unused token: RS256 verify, claim checks and (vcserver) the
  durable SQLite claim + session insert (synchronous=FULL). Every create is a durable insert.
  logLevel warn (no access log line). "refused" counts answers other than 303 (jumpstart) / 201.
MD
