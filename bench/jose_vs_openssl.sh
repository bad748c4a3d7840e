#!/usr/bin/env bash
# Compares our single-thread JWS throughput (bench/jose_bench.cpp) with the raw
# OpenSSL primitive under each algorithm (`openssl speed`), and prints a
# markdown table with the ratio ours/openssl. Target: verify >= 85% of the raw
# primitive for the asymmetric algorithms (parsing, base64url and the hash of
# the signing input are the overhead we pay on top).
#   bench/jose_vs_openssl.sh [BUILD_DIR] [SECONDS]
# BUILD_DIR should be a Release build (default build-release) with jose_bench built.
# Both sides count operations per CPU second of their own process. On a busy
# machine the openssl columns still drift between runs; the in-process columns
# (raw primitive timed in alternation with ours, see jose_bench.cpp) do not.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-release}
secs=${2:-2}
bench="$build_dir/bin/jose_bench"
facts=${FACTS:-/dev/null}  # "key value" lines for bench/run.sh's JSON
[ -x "$bench" ] || { echo "missing $bench: cmake --build $build_dir --target jose_bench" >&2; exit 1; }

ours=$("$bench" "$secs" --tsv)
hmac_bytes=$(awk -F'\t' '$1 == "HS256" {print $4}' <<<"$ours")

# -mr gives machine-readable lines: +F2:i:bits:sign/s:verify/s (RSA),
# +F4:i:bits:sign/s:verify/s (ECDSA), +F6:i:bits:name:sign/s:verify/s (EdDSA),
# +F:i:hmac(sha256):bytes/s for one block size.
speed=$(openssl speed -seconds "$secs" -mr rsa2048 ecdsap256 ed25519 2>/dev/null | grep '^+F')
hmac=$(openssl speed -seconds "$secs" -mr -bytes "$hmac_bytes" -hmac sha256 2>/dev/null | grep '^+F:')
rsa=$(grep '^+F2:' <<<"$speed" | awk -F: '{print $4, $5}')
ecdsa=$(grep '^+F4:' <<<"$speed" | awk -F: '{print $4, $5}')
eddsa=$(grep '^+F6:' <<<"$speed" | awk -F: '{print $5, $6}')
hmac_ops=$(awk -F: -v b="$hmac_bytes" '{printf "%.0f", $4 / b}' <<<"$hmac")

echo "openssl: $(openssl version)   seconds per case: $secs   single thread"
echo
echo "| alg | primitive (openssl speed) | our sign/s | openssl sign/s | sign ratio | our verify/s | openssl verify/s | verify ratio | in-process raw verify/s | verify/raw |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r alg sign verify _ raw; do
  inproc=$(awk -v v="$verify" -v r="$raw" 'BEGIN { printf "%.0f | %.0f%%", r, 100*v/r }')
  case "$alg" in
    RS256|PS256) prim="rsa2048"; ref=$rsa ;;
    ES256) prim="ecdsap256"; ref=$ecdsa ;;
    EdDSA) prim="ed25519"; ref=$eddsa ;;
    HS256) prim="hmac sha256, ${hmac_bytes}-byte input"; ref="$hmac_ops $hmac_ops" ;;
    *) prim="n/a (no openssl speed test for secp256k1)"; ref="" ;;
  esac
  echo "jose.$alg.sign $sign" >> "$facts"
  echo "jose.$alg.verify $verify" >> "$facts"
  echo "jose.$alg.raw_verify_inprocess $raw" >> "$facts"
  awk -v a="$alg" -v v="$verify" -v r="$raw" 'BEGIN { printf "jose.%s.verify_vs_raw_inprocess %.3f\n", a, v / r }' >> "$facts"
  if [ -z "$ref" ]; then
    printf '| %s | %s | %.0f | n/a | n/a | %.0f | n/a | n/a | %s |\n' "$alg" "$prim" "$sign" "$verify" "$inproc"
    continue
  fi
  read -r ref_sign ref_verify <<<"$ref"
  echo "jose.$alg.openssl_speed_sign $ref_sign" >> "$facts"
  echo "jose.$alg.openssl_speed_verify $ref_verify" >> "$facts"
  awk -v a="$alg" -v s="$sign" -v v="$verify" -v rs="$ref_sign" -v rv="$ref_verify" 'BEGIN {
    printf "jose.%s.sign_vs_openssl_speed %.3f\njose.%s.verify_vs_openssl_speed %.3f\n", a, s / rs, a, v / rv }' >> "$facts"
  awk -v a="$alg" -v p="$prim" -v s="$sign" -v v="$verify" -v rs="$ref_sign" -v rv="$ref_verify" \
    -v ip="$inproc" \
    'BEGIN { printf "| %s | %s | %.0f | %.0f | %.0f%% | %.0f | %.0f | %.0f%% | %s |\n", a, p, s, rs, 100*s/rs, v, rv, 100*v/rv, ip }'
done <<<"$ours"
