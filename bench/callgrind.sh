#!/usr/bin/env bash
# Instructions per jumpstart request on vcserver (callgrind), the figure that a
# busy shared machine does not move: vcserver runs under
#   valgrind --tool=callgrind --instr-atstart=no
# is warmed up with WARMUP requests uninstrumented, then `callgrind_control -i on`
# switches instrumentation on for exactly REQUESTS requests, each with its own
# unused RS256 token (curl, 4 in parallel, every answer's status counted), and
# `callgrind_control -d` dumps. Prints total instructions (Ir) per accepted
# (303) request and the top 12 functions by inclusive Ir per request
# (callgrind_annotate --inclusive=yes), as markdown.
#   bench/callgrind.sh [BUILD_DIR] [REQUESTS]   (default build-release 2000)
# Figures only, never a pass/fail: each step has a generous time bound (a slow
# machine only takes longer). With FACTS=FILE also appends "key value" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
requests=${2:-2000}
warmup=100
top=${CALLGRIND_TOP:-12}
bin="$build_dir/bin"
. bench/lib.sh
require_bins "$bin" vcserver mint_tokens
for t in valgrind callgrind_control callgrind_annotate curl; do
  command -v "$t" >/dev/null || { echo "$t is not installed (apt-get install valgrind curl)" >&2; exit 1; }
done
facts=${FACTS:-/dev/null}
fact() { echo "$1 $2" >> "$facts"; }

work=$(mktemp -d)
pid=
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

make_rp_key "$work"
# Every RequestId is a random GUID, as relying parties send them.
"$bin/mint_tokens" "$work/rp.pem" bench "$REDIRECT" $(( warmup + requests )) "$work/tokens.txt" 3600
write_config "$work/config.json" "$work/data" "$work"

valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
  "$bin/vcserver" --config "$work/config.json" > "$work/server.out" 2> "$work/valgrind.log" &
pid=$!
url=
for _ in $(seq 1 1200); do  # up to 120 s to start under valgrind
  url=$(grep -o 'listening on http://[^ ]*' "$work/server.out" 2>/dev/null | head -1 | cut -d' ' -f3) || true
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { echo "vcserver did not start under valgrind:" >&2; tail -5 "$work/valgrind.log" >&2; exit 1; }

# Sends the tokens on lines $1..$2 of the file, 4 at a time; prints one status per request.
send() {
  sed -n "$1,$2p" "$work/tokens.txt" |
    awk -v u="$url/bench/?token=" '{ printf "url = \"%s%s\"\noutput = \"/dev/null\"\n", u, $0 }' > "$work/curl.cfg"
  timeout 1800 curl -s --parallel --parallel-max 4 --max-time 120 -H 'Accept: application/json' \
    -w '%{http_code}\n' --config "$work/curl.cfg" 2>> "$work/curl.err" || true
}
send 1 "$warmup" > /dev/null
timeout 120 callgrind_control -i on "$pid" > /dev/null 2>&1
t0=$(date +%s%N)
send $(( warmup + 1 )) $(( warmup + requests )) > "$work/status.txt"
t1=$(date +%s%N)
timeout 120 callgrind_control -d "$pid" > /dev/null 2>&1
timeout 120 callgrind_control -i off "$pid" > /dev/null 2>&1 || true
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

accepted=$(grep -c '^303$' "$work/status.txt" || true)
refused=$(( $(wc -l < "$work/status.txt") - accepted ))
dump="$work/callgrind.out.1"  # the first (only) callgrind_control -d dump
[ -f "$dump" ] || { echo "callgrind wrote no dump" >&2; ls "$work" >&2; exit 1; }
callgrind_annotate --inclusive=yes "$dump" > "$work/annotate.txt" 2>/dev/null
# "1,234,567 (100.0%)  PROGRAM TOTALS", then "Ir (pct)  file:function [object]" lines.
total=$(awk '/PROGRAM TOTALS/ { gsub(/,/, "", $1); print $1; exit }' "$work/annotate.txt")
[ -n "$total" ] || { echo "no PROGRAM TOTALS in callgrind_annotate's output" >&2; exit 1; }
per() { awk -v a="$1" -v n="$accepted" 'BEGIN { if (n > 0) printf "%.1fk", a / n / 1000; else print "n/a" }'; }
fact callgrind.requests "$requests"; fact callgrind.accepted "$accepted"; fact callgrind.refused "$refused"
fact callgrind.ir_total "$total"
fact callgrind.ir_per_request "$(awk -v a="$total" -v n="$accepted" 'BEGIN { if (n > 0) printf "%.0f", a / n; else print "n/a" }')"

echo "valgrind $(valgrind --version | sed 's/^valgrind-//'), $requests jumpstart requests (4 in parallel,"
echo "each an unused token) after $warmup uninstrumented ones: $accepted accepted (303), $refused refused;"
echo "$(( (t1 - t0) / 1000000 )) ms under callgrind."
echo
echo "**Instructions per accepted request: $(per "$total")** (all threads, from \`callgrind_control -i on\` to the dump)."
echo
echo "| function (inclusive, top $top) | object | Ir per request | share |"
echo "|---|---|---:|---:|"
# Function lines follow the totals: "Ir (pct)  file:function [object]". The
# Release build has no debug info (file "???"); parameter lists are cut to "(…)".
awk -v top="$top" '/PROGRAM TOTALS/ { go = 1; next }
     go && /^ *[0-9][0-9,]* \(/ && shown < top {
       ir = $1; gsub(/,/, "", ir); pct = $2; gsub(/[()]/, "", pct)
       $1 = ""; $2 = ""; sub(/^ +/, "")
       obj = ""; if (match($0, / \[[^]]*\]$/)) { obj = substr($0, RSTART + 2, RLENGTH - 3); $0 = substr($0, 1, RSTART - 1) }
       sub(/.*\//, "", obj); sub(/^\?\?\?:/, "")
       gsub(/\(anonymous namespace\)/, "{anon}"); if (index($0, "(")) $0 = substr($0, 1, index($0, "(") - 1) "(…)"
       shown++; print ir "\t" pct "\t" $0 "\t" obj }' "$work/annotate.txt" |
  while IFS=$'\t' read -r ir pct name obj; do
    name=${name//|/\\|}
    echo "| \`${name:0:100}\` | ${obj:-?} | $(per "$ir") | $pct |"
  done
