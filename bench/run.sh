#!/usr/bin/env bash
# Runs every benchmark against a Release build and writes bench/results/latest.md
# and bench/results/latest.json (machine facts, each figure, each ratio).
# Figures on a shared machine are noisy: each table's headline is a ratio
# measured in the same run, never an absolute time; the load average at the
# start and end of the run says how busy the machine was.
# (7), instructions per request (bench/callgrind.sh), needs valgrind; without
# it the section says so. SECONDS is each load run's length in server_bench.sh
# (3 rounds, each run minting SECONDS x 32k tokens before the clock starts).
#   bench/run.sh [BUILD_DIR] [SECONDS]   (./dev bench builds build-release and calls this)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
secs=${2:-4}
out=bench/results/latest
mkdir -p bench/results
export FACTS
FACTS=$(mktemp)
trap 'rm -f "$FACTS"' EXIT

fact() { echo "$1 $2" >> "$FACTS"; }
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
fact machine.date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
fact machine.nproc "$(nproc)"
fact machine.cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
fact machine.kernel "$(uname -r)"
fact machine.mem_gib "$(free -g | awk '/Mem:/ {print $2}')"
fact machine.loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"
fact machine.commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
fact machine.build "$build_dir ($(grep -m1 '^CMAKE_BUILD_TYPE' "$build_dir/CMakeCache.txt" | cut -d= -f2))"
fact version.gxx "$(g++ -dumpfullversion)"
fact version.openssl "$(openssl version | cut -d' ' -f2)"
fact version.sqlite "$(pkg_version libsqlite3-0)"
fact version.libpq "$(pkg_version libpq5)"
fact version.pistache "$(pkg_version libpistache0)"
fact version.node "$(node --version 2>/dev/null || echo none)"
fact version.wrk "$(pkg_version wrk)"
fact version.valgrind "$(pkg_version valgrind)"

value() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$FACTS"; }

{
  echo "# Benchmark results"
  echo
  echo "$(value machine.date), commit $(value machine.commit), build $(value machine.build)."
  echo "$(value machine.nproc) cores ($(value machine.cpu)), $(value machine.mem_gib) GiB, kernel $(value machine.kernel);"
  echo "g++ $(value version.gxx), OpenSSL $(value version.openssl), SQLite $(value version.sqlite),"
  echo "Pistache $(value version.pistache), Node $(value version.node), wrk $(value version.wrk), valgrind $(value version.valgrind)."
  echo "**Load average at start: $(value machine.loadavg_start)** (the machine is shared: other"
  echo "builds may be running; compare ratios, not absolute figures)."
  echo
  echo "## (1)–(3), (6): vcserver over HTTP, the Node.js peers (in-memory and durable), the embedded Request Service, RSS, start"
  echo
  bench/server_bench.sh "$build_dir" "$secs"
  echo
  echo "## (8) jumpstart with the state on PostgreSQL, 1 and 2 instances"
  echo
  if command -v psql >/dev/null && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    bench/postgres_bench.sh "$build_dir" "$secs"
  else
    echo "PostgreSQL is not installed (apt-get install postgresql): no figures."
  fi
  echo
  echo "## (4) Presentation verification (single thread)"
  echo
  "$build_dir/bin/presentation_bench" 3 --tsv | while IFS=$'\t' read -r rate fetches; do
    fact presentation.verify_per_s "$rate"; fact presentation.did_fetches "$fetches"
    echo "- ValidatePresentation: **$rate presentations/s** per CPU second (SIOP id_token + VP JWT +"
    echo "  one VC, all ES256, so three ES256 verifications each; did:web document fetched $fetches time(s),"
    echo "  then cached; holder binding, type, issuer and constraint checks included)."
  done
  echo
  echo "## (5) JOSE sign/verify vs the raw OpenSSL primitive (single thread)"
  echo
  bench/jose_vs_openssl.sh "$build_dir" 2
  echo
  echo "## (7) Instructions per jumpstart request (callgrind)"
  echo
  if command -v valgrind >/dev/null; then
    bench/callgrind.sh "$build_dir" 2000
  else
    echo "valgrind is not installed (apt-get install valgrind): no instruction counts."
  fi
  fact machine.loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Load average at the end: $(value machine.loadavg_end)."
} | tee "$out.md.tmp"
mv "$out.md.tmp" "$out.md"

# JSON: one object per key prefix ("machine", "jose", ...), numbers as numbers.
awk '
  function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
  {
    key = $1; $1 = ""; sub(/^ /, ""); val = $0
    n = index(key, "."); group = substr(key, 1, n - 1); name = substr(key, n + 1)
    if (!(group in seen)) { seen[group] = 1; order[++groups] = group }
    item = "\"" esc(name) "\": " (val ~ /^-?[0-9]+(\.[0-9]+)?$/ ? val : "\"" esc(val) "\"")
    body[group] = (count[group]++ > 0) ? body[group] ",\n    " item : item
  }
  END {
    printf "{\n"
    for (i = 1; i <= groups; i++) {
      printf "  \"%s\": {\n    %s\n  }%s\n", order[i], body[order[i]], (i < groups ? "," : "")
    }
    printf "}\n"
  }' "$FACTS" > "$out.json"
echo "wrote $out.md and $out.json"
