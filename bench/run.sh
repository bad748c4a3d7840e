#!/usr/bin/env bash
# Runs the benchmarks against a Release build and writes bench/results/latest.md.
# Figures on a shared 2-core machine are noisy: each table's headline is a ratio
# measured in the same run, never an absolute time.
#   bench/run.sh [BUILD_DIR]   (./dev bench builds build-release and calls this)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
out=bench/results/latest.md
mkdir -p bench/results
{
  echo "# Benchmark results"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB, build: $build_dir"
  echo
  echo "## JOSE sign/verify vs the raw OpenSSL primitive (single thread)"
  echo
  bench/jose_vs_openssl.sh "$build_dir" 2
  echo
  echo "## Jumpstart validation over HTTP, vcserver vs a Node.js peer"
  echo
  bench/jumpstart_bench.sh "$build_dir" 5
} | tee "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
