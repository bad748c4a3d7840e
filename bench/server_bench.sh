#!/usr/bin/env bash
# vcserver over HTTP against two Node.js peers, wrk -t2 -c32 on the same machine:
#   (1) jumpstart validation on vcserver with unique pre-minted RS256 tokens
#       (the durable one-time claim + session insert included), without and
#       with a Connection: keep-alive request header;
#   (2) the same on the Node.js peer (bench/peer: fastify + jose), once with
#       its in-memory replay set and once durable (better-sqlite3, WAL,
#       synchronous=FULL, claim + session in one transaction), without the
#       header (and in round 1 also with it: Node answers HTTP/1.1 the same);
#   (3) createIssuanceRequest and createPresentationRequest on the embedded
#       Request Service (bearer token from vcctl);
#   (6) RSS idle and under load, threads under load, start to a healthy /healthz.
# Every figure is the median of 3 alternated rounds: each round starts every
# server fresh (new data dir / database file), warms it up for 2 s (not
# counted) and runs its loads; the order of the servers rotates from round to
# round. For each load: accepted
# requests/s (303 for jumpstart, 201 for the creates; everything else is
# refused), p50/p99, server CPU µs per accepted request (utime + stime of the
# server from /proc/PID/stat around the wrk run), the server's thread count and
# RSS sampled under load. Rate limits are off (vcserver config; the peer has none).
#   bench/server_bench.sh [BUILD_DIR] [SECONDS]
# BENCH_RATE_BOUND (32000 requests/s) sizes each run's token file: SECONDS x
# BENCH_RATE_BOUND unused tokens, one file per run, never shared between runs.
# Prints a markdown section; with FACTS=FILE also appends "key value" lines
# for bench/run.sh's JSON. Loopback only; every loop is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
secs=${2:-4}
rounds=3
rate_bound=${BENCH_RATE_BOUND:-32000}
per_run=$(( secs * rate_bound ))
bin="$build_dir/bin"
. bench/lib.sh
require_bins "$bin" vcserver vcctl mint_tokens
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
# better-sqlite3 is compiled by node-gyp at install time (no prebuilt binary is fetched).
[ -f bench/peer/node_modules/better-sqlite3/build/Release/better_sqlite3.node ] ||
  (cd bench/peer && npm ci --no-audit --no-fund --loglevel=error) >&2  # stdout is the report
facts=${FACTS:-/dev/null}
fact() { echo "$1 $2" >> "$facts"; }
clk_tck=$(getconf CLK_TCK)

work=$(mktemp -d)
pids=()  # servers and samplers still running, for cleanup
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
forget() { local keep=() p; for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }

make_rp_key "$work"
redirect=$REDIRECT

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
stop() { kill "$1"; wait "$1" 2>/dev/null || true; forget "$1"; }
status_field() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# utime + stime of every thread of the process, in clock ticks (fields 14 and
# 15 of /proc/PID/stat, counted after the parenthesised command name).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# One wrk run at 32 connections against $URL (server $PID); appends to
# $work/runs: "name round rps p50 p99 refused errors exhausted cpu_us threads peak_kb".
load() {  # $1 = run name, $2 = lua script, $3.. extra wrk args; env passed through
  local name=$1 script=$2; shift 2
  # RSS and thread count every 0.2 s, bounded by the run's length plus a margin.
  ( for _ in $(seq 1 $(( secs * 5 + 100 ))); do
      kill -0 "$PID" 2>/dev/null || break
      echo "$(status_field "$PID" VmRSS) $(status_field "$PID" Threads)"
      sleep 0.2
    done ) > "$work/samples" &
  local sampler=$!
  pids+=("$sampler")
  local cpu0 cpu1 res
  cpu0=$(cpu_ticks "$PID")
  res=$(WRK_THREADS=2 timeout $(( secs + 120 )) \
          wrk -t2 -c32 -d"${secs}s" --latency -s "$script" "$@" "$URL" | grep '^RESULT') ||
    { echo "wrk gave no result for $name (round $round)" >&2; exit 1; }
  cpu1=$(cpu_ticks "$PID")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  forget "$sampler"
  local peak threads
  peak=$(awk '$1 > m {m = $1} END {print m + 0}' "$work/samples")
  threads=$(awk '$2 > m {m = $2} END {print m + 0}' "$work/samples")
  awk -v name="$name" -v round="$round" -v ticks=$(( cpu1 - cpu0 )) -v tck="$clk_tck" \
      -v threads="$threads" -v peak="$peak" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    END {
      cpu_us = v["accepted"] > 0 ? ticks * 1e6 / tck / v["accepted"] : 0
      printf "%s %d %s %s %s %d %d %d %.1f %d %d\n", name, round, v["rps"], v["p50_ms"],
             v["p99_ms"], v["refused"], v["errors"], v["exhausted"], cpu_us, threads, peak
    }' <<<"$res" >> "$work/runs"
}
# Each jumpstart run takes the next unused token file of the round.
next_tokens() { TOKENS=$(printf '%s/tokens.%02d' "$work" "$token_file"); token_file=$(( token_file + 1 )); }
jumpstart() {  # $1 = run name, $2.. extra wrk args
  next_tokens
  TOKENS=$TOKENS ORG=bench load "$1" bench/jumpstart.lua "${@:2}"
  rm -f "$TOKENS".*
}
# Before its first measured run, every fresh server gets 2 s of the same load,
# not counted, jumpstart with its own warm_tokens (Node's JIT, SQLite's page
# cache and the allocators warm up: a cold first run of the Node peer was
# seen a quarter slower than the next).
warm_tokens=10000
warmup() {  # $1 = lua script; env passed through
  WRK_THREADS=2 timeout 120 wrk -t2 -c32 -d2s -s "$1" "$URL" > /dev/null || true
}
warm_jumpstart() {
  TOKENS=$(printf '%s/warm.%d' "$work" "$warm_file"); warm_file=$(( warm_file + 1 ))
  TOKENS=$TOKENS ORG=bench warmup bench/jumpstart.lua
  rm -f "$TOKENS".*
}
keepalive=(-H "Connection: keep-alive")
# Jumpstart runs in a round: vcserver twice and each peer once, each peer once more in round 1.
jumpstart_runs() { echo $(( $1 == 1 ? 6 : 4 )); }

# ---- one round per server ---------------------------------------------------
# vcserver: a fresh data dir; jumpstart without and with the header, then the
# creates on the embedded Request Service in the same process.
round_vcserver() {
  local data="$work/data.$round"
  write_config "$work/config.$round.json" "$data" "$work"
  start "$bin/vcserver" --config "$work/config.$round.json"
  local pid=$PID
  sleep 0.5
  echo "vcserver $round $(status_field "$pid" VmRSS)" >> "$work/idle"
  warm_jumpstart
  jumpstart jumpstart_vcserver
  jumpstart jumpstart_vcserver_keepalive "${keepalive[@]}"
  echo "load1 $round $(status_field "$pid" VmHWM)" >> "$work/hwm"

  local authority bearer callback base=$URL
  authority="did:web:$(sed -E 's|http://||; s|:|%3A|' <<<"$base")"
  bearer=$("$bin/vcctl" request-service token --data-dir "$data")
  callback='"callback":{"url":"http://127.0.0.1:9/cb","state":"bench","headers":{"api-key":"k"}}'
  cat > "$work/issue.json" <<JSON
{$callback,"registration":{"clientName":"bench"},"authority":"$authority","type":"VerifiedIdentity",
 "manifest":"$base/v1.0/tenants/local/verifiableCredentials/contracts/VerifiedIdentity/manifest",
 "claims":{"realName":"Megan Bowen"}}
JSON
  cat > "$work/present.json" <<JSON
{$callback,"registration":{"clientName":"bench","purpose":"benchmark"},"authority":"$authority",
 "requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":["$authority"]}]}
JSON
  URL="$base/v1.0/verifiableCredentials/createIssuanceRequest"
  BEARER=$bearer BODY="$work/issue.json" warmup bench/rs_create.lua
  BEARER=$bearer BODY="$work/issue.json" load rs_create_issuance bench/rs_create.lua
  URL="$base/v1.0/verifiableCredentials/createPresentationRequest"
  BEARER=$bearer BODY="$work/present.json" warmup bench/rs_create.lua
  BEARER=$bearer BODY="$work/present.json" load rs_create_presentation bench/rs_create.lua
  echo "load3 $round $(status_field "$pid" VmHWM)" >> "$work/hwm"
  stop "$pid"
}

# The Node peer; $1 = "" (in-memory replay set) or "_durable" (a fresh SQLite file).
round_peer() {
  local kind=$1 mode=()
  [ -z "$kind" ] || mode=(--durable "$work/peer.$round.db")
  start node bench/peer/server.mjs "${mode[@]}" "$work/rp_pub.pem" bench "$redirect" 3600
  local pid=$PID
  sleep 0.5
  echo "peer$kind $round $(status_field "$pid" VmRSS)" >> "$work/idle"
  warm_jumpstart
  jumpstart "jumpstart_node_peer$kind"
  # Node answers HTTP/1.1 the same with or without the header: checked in round 1 only
  # (each run costs SECONDS x BENCH_RATE_BOUND minted tokens).
  [ "$round" -gt 1 ] || jumpstart "jumpstart_node_peer${kind}_keepalive" "${keepalive[@]}"
  stop "$pid"
}

# ---- the rounds --------------------------------------------------------------
: > "$work/runs"; : > "$work/idle"; : > "$work/hwm"
servers=(vcserver peer peer_durable)
mint_s=0
for round in $(seq 1 "$rounds"); do
  # One mint per round, split into one file per jumpstart run and wrk thread
  # (tokens.RUN.THREAD), then one per server's warm-up (warm.SERVER.THREAD):
  # every RequestId is a random GUID, so no two files share one.
  t0=$(date +%s)
  measured=$(( per_run * $(jumpstart_runs "$round") ))
  "$bin/mint_tokens" "$work/rp.pem" bench "$redirect" $(( measured + 3 * warm_tokens )) \
    "$work/minted.txt" 3600
  awk -v dir="$work" -v n="$per_run" -v m="$measured" -v w="$warm_tokens" '
    NR <= m { print > sprintf("%s/tokens.%02d.%d", dir, int((NR - 1) / n), (NR - 1) % 2); next }
            { print > sprintf("%s/warm.%d.%d", dir, int((NR - m - 1) / w), (NR - 1) % 2) }' \
    "$work/minted.txt"
  rm -f "$work/minted.txt"
  mint_s=$(( mint_s + $(date +%s) - t0 ))
  token_file=0 warm_file=0
  for i in 0 1 2; do  # rotate: round 1 starts with vcserver, round 2 with the peer, ...
    case ${servers[$(( (i + round - 1) % 3 ))]} in
      vcserver) round_vcserver ;;
      peer) round_peer "" ;;
      peer_durable) round_peer _durable ;;
    esac
  done
  rm -f "$work"/tokens.* "$work"/warm.*
done

# ---- (6): start to a healthy /healthz with the last round's data dir (median of 5)
starts=()
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  start "$bin/vcserver" --config "$work/config.$rounds.json"
  for _ in $(seq 1 2000); do
    curl -sf "$URL/healthz" >/dev/null && break
    sleep 0.002
  done
  t1=$(date +%s%N)
  starts+=($(( (t1 - t0) / 1000000 )))
  stop "$PID"
done
start_ms=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p)

# ---- figures -----------------------------------------------------------------
declare -A col=([rps]=3 [p50]=4 [p99]=5 [refused]=6 [errors]=7 [exhausted]=8 [cpu_us]=9
                [threads]=10 [peak_kb]=11)
median_of() { sort -g | awk '{ v[NR] = $1 } END {
  if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
values() { awk -v n="$1" -v c="${col[$2]}" '$1 == n { print $c }' "$work/runs"; }
median() { values "$1" "$2" | median_of; }  # over the rounds
total() { values "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }  # summed over the rounds
most() { values "$1" "$2" | sort -g | tail -1; }  # the largest round
each() { values "$1" "$2" | paste -sd, -; }  # every round, in order
idle_median() { awk -v k="$1" '$1 == k { print $3 }' "$work/idle" | median_of; }
hwm_most() { awk -v k="$1" '$1 == k { print $3 }' "$work/hwm" | sort -g | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

names=(jumpstart_vcserver jumpstart_vcserver_keepalive jumpstart_node_peer
       jumpstart_node_peer_keepalive jumpstart_node_peer_durable
       jumpstart_node_peer_durable_keepalive rs_create_issuance rs_create_presentation)
declare -A label=(
  [jumpstart_vcserver]="(1) jumpstart, vcserver (no Connection header)"
  [jumpstart_vcserver_keepalive]="(1) jumpstart, vcserver (Connection: keep-alive)"
  [jumpstart_node_peer]="(2) jumpstart, Node peer, in-memory set (no header)"
  [jumpstart_node_peer_keepalive]="(2) jumpstart, Node peer, in-memory set (keep-alive; round 1 only)"
  [jumpstart_node_peer_durable]="(2) jumpstart, Node peer, better-sqlite3 FULL (no header)"
  [jumpstart_node_peer_durable_keepalive]="(2) jumpstart, Node peer, better-sqlite3 FULL (keep-alive; round 1 only)"
  [rs_create_issuance]="(3) createIssuanceRequest, embedded Request Service"
  [rs_create_presentation]="(3) createPresentationRequest, embedded Request Service")
declare -A rps
for n in "${names[@]}"; do
  rps[$n]=$(median "$n" rps)
  for m in rps p50 p99 threads; do fact "$n.$m" "$(median "$n" "$m")"; done
  fact "$n.cpu_us_per_req" "$(median "$n" cpu_us)"
  fact "$n.refused" "$(total "$n" refused)"; fact "$n.errors" "$(total "$n" errors)"
  fact "$n.exhausted" "$(total "$n" exhausted)"; fact "$n.peak_rss_kb" "$(most "$n" peak_kb)"
  fact "$n.rps_runs" "$(each "$n" rps)"
done
r_mem=$(ratio "${rps[jumpstart_vcserver]}" "${rps[jumpstart_node_peer]}")
# With the header: vcserver with it against the peer's median without it (round 1 shows
# that the header does not change the peer).
r_mem_ka=$(ratio "${rps[jumpstart_vcserver_keepalive]}" "${rps[jumpstart_node_peer]}")
r_dur=$(ratio "${rps[jumpstart_vcserver]}" "${rps[jumpstart_node_peer_durable]}")
r_dur_ka=$(ratio "${rps[jumpstart_vcserver_keepalive]}" "${rps[jumpstart_node_peer_durable]}")
r_iss=$(ratio "${rps[rs_create_issuance]}" "${rps[jumpstart_vcserver]}")
r_pre=$(ratio "${rps[rs_create_presentation]}" "${rps[jumpstart_vcserver]}")
idle_rss=$(idle_median vcserver)
hwm_load1=$(hwm_most load1); hwm_load3=$(hwm_most load3)
fact ratio.jumpstart_vs_peer "$r_mem"; fact ratio.jumpstart_keepalive_vs_peer "$r_mem_ka"
fact ratio.jumpstart_vs_durable_peer "$r_dur"; fact ratio.jumpstart_keepalive_vs_durable_peer "$r_dur_ka"
fact ratio.create_issuance_vs_jumpstart "$r_iss"; fact ratio.create_presentation_vs_jumpstart "$r_pre"
fact rss.idle_kb "$idle_rss"; fact rss.hwm_load1_kb "$hwm_load1"; fact rss.hwm_load3_kb "$hwm_load3"
fact rss.peak_load1_kb "$(most jumpstart_vcserver peak_kb)"
fact rss.peak_load3_kb "$(most rs_create_issuance peak_kb)"
fact rss.peer_idle_kb "$(idle_median peer)"; fact rss.peer_peak_kb "$(most jumpstart_node_peer peak_kb)"
fact rss.durable_peer_idle_kb "$(idle_median peer_durable)"
fact rss.durable_peer_peak_kb "$(most jumpstart_node_peer_durable peak_kb)"
fact start.healthz_ms_median "$start_ms"; fact start.healthz_ms_runs "$(IFS=,; echo "${starts[*]}")"
fact bench.rounds "$rounds"; fact bench.seconds_per_run "$secs"; fact bench.tokens_per_run "$per_run"
fact bench.mint_seconds "$mint_s"; fact bench.clk_tck "$clk_tck"
peer_version() { node -p "require('./bench/peer/node_modules/$1/package.json').version" 2>/dev/null || echo unknown; }
fact version.fastify "$(peer_version fastify)"; fact version.jose "$(peer_version jose)"
fact version.better_sqlite3 "$(peer_version better-sqlite3)"

echo "| load (wrk -t2 -c32 -d${secs}s; median of $rounds rounds) | requests/s | p50 ms | p99 ms | CPU µs/req | threads | peak RSS MB | refused / socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for n in "${names[@]}"; do
  echo "| ${label[$n]} | ${rps[$n]} | $(median "$n" p50) | $(median "$n" p99) | $(median "$n" cpu_us) |" \
       "$(median "$n" threads) | $(mb "$(most "$n" peak_kb)") | $(total "$n" refused) / $(total "$n" errors) |"
done
exhausted=0
for n in "${names[@]}"; do exhausted=$(( exhausted + $(total "$n" exhausted) )); done
if [ "$exhausted" -gt 0 ]; then
  echo
  echo "**Some runs ran out of tokens: $exhausted requests were sent without one** (refused, not"
  echo "counted); raise BENCH_RATE_BOUND ($rate_bound) for figures that mean anything."
fi
cat <<MD

- **jumpstart vcserver / in-memory Node peer: $r_mem** without a Connection header, $r_mem_ka
  with keep-alive (target ≥ 1.5, goal 2.0, with p99 ≤ 10 ms).
- **jumpstart vcserver / durable Node peer: $r_dur** without a Connection header, $r_dur_ka with
  keep-alive (target ≥ 3).
- The ratios with keep-alive set vcserver with the header against the peer's median without it:
  in round 1 the header moved the in-memory peer from $(values jumpstart_node_peer rps | head -1)
  to ${rps[jumpstart_node_peer_keepalive]} req/s and the durable one from
  $(values jumpstart_node_peer_durable rps | head -1) to ${rps[jumpstart_node_peer_durable_keepalive]} req/s.
- createIssuanceRequest / jumpstart: $r_iss; createPresentationRequest / jumpstart: $r_pre
  (target ≥ 1, against vcserver without a header).
- requests/s of each round, in order: $(for n in "${names[@]}"; do printf '%s %s; ' "${n#jumpstart_}" "$(each "$n" rps)"; done | sed 's/; $//').
- vcserver RSS idle $(mb "$idle_rss") MB (target ≤ 30); VmHWM after the jumpstart loads
  $(mb "$hwm_load1") MB, after the creates $(mb "$hwm_load3") MB (target ≤ 100). Node peer idle
  $(mb "$(idle_median peer)") MB (in-memory) / $(mb "$(idle_median peer_durable)") MB (durable).
- start to a healthy /healthz with an existing data dir: ${start_ms} ms, median of 5
  (${starts[*]}) (target ≤ 200).
- How: $rounds rounds; in each, every server is started fresh (new data dir, new SQLite file,
  empty replay set), warmed up by 2 s of the same load (not counted; jumpstart with its own
  $warm_tokens tokens) and runs its loads, in an order that rotates from round to round. Each
  jumpstart run has its own file of $per_run unused tokens (${secs} s x $rate_bound/s), minted
  before the servers start ($mint_s s in all). Only 303 (jumpstart) / 201 (creates) count as
  accepted and in requests/s; every other answer is refused (a run out of tokens would show
  here), summed over the rounds; p50/p99 are over all answers. CPU µs/req: the server's
  utime + stime (/proc/PID/stat, $clk_tck ticks/s) over the run / accepted requests. Threads
  and RSS sampled every 0.2 s under load (threads: the median round's largest sample; peak RSS:
  the largest of all rounds). Each figure is the median of its own column.
- Every jumpstart request carries an unused token: RS256 verify, claim checks and the one-time
  claim: vcserver and the durable peer insert the claim + session durably (SQLite, WAL,
  synchronous=FULL, one transaction); the in-memory peer keeps a Set. Every create is a durable
  insert. vcserver: logLevel warn (no access log line), rate limits off.
MD
