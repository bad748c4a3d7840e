#!/usr/bin/env bash
# (8) jumpstart with the state on PostgreSQL (docs/deployment.md): one vcserver
# on a PostgreSQL of this machine, then two vcserver instances on the same
# database, each loaded by its own wrk (-t1 -c16: 32 connections in all, as for
# SQLite). PostgreSQL runs with its durable defaults (every commit flushed,
# scripts/pg-test-cluster --durable), so it compares with SQLite's FULL. Every
# request carries an unused token: RS256 verify, claim checks, and the one-time
# claim + session committed in PostgreSQL by the instance's group commit.
# Every figure is the median of 3 rounds, each on a fresh database with fresh
# servers warmed up for 2 s. The headline is the ratio to the SQLite figure of
# the same run (FACTS: jumpstart_vcserver.rps, from server_bench.sh), not a
# scaling claim: the instances, PostgreSQL and wrk share this machine's cores.
#   bench/postgres_bench.sh [BUILD_DIR] [SECONDS]
# Prints a markdown section; with FACTS=FILE also appends "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
secs=${2:-5}
rounds=3
rate_bound=${BENCH_RATE_BOUND:-12000}
per_run=$(( secs * rate_bound ))
bin="$build_dir/bin"
. bench/lib.sh
require_bins "$bin" vcserver mint_tokens
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
facts=${FACTS:-/dev/null}
fact() { echo "$1 $2" >> "$facts"; }

work=$(mktemp -d)
pg=$(mktemp -d /tmp/vc-pg-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  scripts/pg-test-cluster stop "$pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
pg_url=$(scripts/pg-test-cluster start "$pg" --durable)
make_rp_key "$work"
kek=$(openssl rand -hex 32)

# A vcserver config (lib.sh's) on database $2 of the cluster, keys sealed in it.
pg_config() {  # $1 = file, $2 = database, $3 = data dir
  write_config "$1.sqlite" "$3" "$work"
  sed "s|^{|{\"storage\":{\"type\":\"postgresql\",\"url\":\"${pg_url%/*}/$2\",\"poolSize\":8,\"keyEncryptionKey\":\"$kek\"},|" \
    "$1.sqlite" > "$1"
}

start() {  # sets URL and PID
  local out="$work/out.$RANDOM"
  "$@" > "$out" 2>"$out.err" &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 1000); do
    URL=$(grep -o 'listening on http://[^ ]*' "$out" 2>/dev/null | head -1 | cut -d' ' -f3) || true
    [ -n "$URL" ] && return 0
    sleep 0.01
  done
  echo "vcserver did not start: $(cat "$out.err")" >&2
  exit 1
}

# wrk with its own token file per thread ($1.0); prints the RESULT line.
run_wrk() {  # $1 = tokens, $2 = connections, $3 = seconds, $4 = URL
  TOKENS=$1 ORG=bench WRK_THREADS=1 timeout $(( $3 + 120 )) \
    wrk -t1 -c"$2" -d"$3s" --latency -s bench/jumpstart.lua "$4" | grep '^RESULT'
}
field() { sed -E "s/.* $1=([^ ]*).*/\1/" <<<"$2"; }

: > "$work/runs"
for round in $(seq 1 "$rounds"); do
  for n in 1 2; do
    db="r${round}i${n}"
    psql -q "$pg_url" -c "CREATE DATABASE $db" >/dev/null
    "$bin/mint_tokens" "$work/rp.pem" bench "$REDIRECT" $(( per_run + 20000 )) "$work/minted" 3600
    # Warm-up tokens first (10000 per instance), then the measured ones, split per instance.
    awk -v dir="$work" -v n="$n" -v m="$per_run" '
      NR <= 20000 { print > sprintf("%s/warm.%d.0", dir, (NR - 1) % 2); next }
                  { print > sprintf("%s/tokens.%d.0", dir, (NR - 1) % n) }' "$work/minted"
    urls=()
    for i in $(seq 0 $(( n - 1 ))); do
      pg_config "$work/config.$db.$i.json" "$db" "$work/data.$db.$i"
      start "$bin/vcserver" --config "$work/config.$db.$i.json"
      urls+=("$URL")
    done
    run_wrk "$work/warm.0" 32 2 "${urls[0]}" >/dev/null || true
    [ "$n" = 1 ] || run_wrk "$work/warm.1" 32 2 "${urls[1]}" >/dev/null || true
    for i in $(seq 0 $(( n - 1 ))); do
      run_wrk "$work/tokens.$i" $(( 32 / n )) "$secs" "${urls[$i]}" > "$work/result.$i" &
      pids+=("$!")
    done
    wait "${pids[@]: -$n}" || true
    rps=0 p50=0 p99=0 refused=0
    for i in $(seq 0 $(( n - 1 ))); do
      r=$(cat "$work/result.$i")
      rps=$(awk -v a="$rps" -v b="$(field rps "$r")" 'BEGIN { print a + b }')
      p50=$(awk -v a="$p50" -v b="$(field p50_ms "$r")" 'BEGIN { print (b > a ? b : a) }')
      p99=$(awk -v a="$p99" -v b="$(field p99_ms "$r")" 'BEGIN { print (b > a ? b : a) }')
      refused=$(( refused + $(field refused "$r") ))
    done
    echo "pg$n $round $rps $p50 $p99 $refused" >> "$work/runs"
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    pids=()
    rm -f "$work"/tokens.* "$work"/warm.* "$work/minted"
  done
done

median() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$work/runs" | sort -g |
  awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sqlite=$(awk '$1 == "jumpstart_vcserver.rps" { print $2 }' "$facts" 2>/dev/null | tail -1)
ratio() { awk -v a="$1" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
for n in 1 2; do
  for m in rps:3 p50:4 p99:5; do fact "jumpstart_postgresql_$n.${m%%:*}" "$(median "pg$n" "${m##*:}")"; done
  fact "ratio.jumpstart_postgresql_${n}_vs_sqlite" "$(ratio "$(median "pg$n" 3)" "$sqlite")"
done
fact version.postgresql "$(psql -tA "$pg_url" -c 'SHOW server_version')"

echo "| jumpstart, state on PostgreSQL (wrk, 32 connections in all, ${secs} s; median of $rounds rounds) | requests/s | p50 ms | p99 ms | / SQLite |"
echo "|---|---:|---:|---:|---:|"
for n in 1 2; do
  echo "| $n instance(s) on one database | $(median "pg$n" 3) | $(median "pg$n" 4) | $(median "pg$n" 5) | $(ratio "$(median "pg$n" 3)" "$sqlite") |"
done
cat <<MD

- The SQLite figure is (1) of this run (${sqlite:-n/a} req/s). PostgreSQL $(psql -tA "$pg_url" -c 'SHOW server_version'),
  fsync and synchronous_commit on; each instance group-commits the claims it receives (one
  transaction, a savepoint per claim), as with SQLite; two instances take turns at nothing but
  the database. p50/p99 with two instances: the worse of the two wrk runs.
- Same machine: the second instance takes CPU from the first, from PostgreSQL and from wrk, so
  this is the cost of running on a shared database, not how far the service scales. Beyond one
  machine every instance is stateless (keys, secrets, sessions, claims, outboxes and leases
  are in the database), so instances scale out behind a load balancer until PostgreSQL's
  commit rate is the limit; a jumpstart is one commit shared by every claim of its batch, so
  that limit is commits per second of the database's disk times the batch size, and the next
  step is a faster disk or synchronous replication rather than more instances.
MD
