# Shared by the benchmark scripts (sourced, not run): the RP key that signs the
# jumpstart tokens, the vcserver config they are sent to, and checks.
#   require_bins DIR NAME...   exits unless DIR/NAME is executable for each NAME
#   make_rp_key DIR            DIR/rp.pem (RSA-2048 private), DIR/rp_pub.pem; sets REDIRECT
#   write_config FILE DATA_DIR RP_DIR   a vcserver config: port 0, the org "bench"
#                              with RP_DIR/rp_pub.pem, rate limits off, logLevel warn,
#                              loopback allowed for the creates' callback URL

REDIRECT=https://bench.example/onboarding/done

require_bins() {
  local dir=$1 t
  shift
  for t in "$@"; do
    [ -x "$dir/$t" ] || { echo "missing $dir/$t: build $(dirname "$dir") first" >&2; exit 1; }
  done
}

make_rp_key() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1/rp.pem" 2>/dev/null
  openssl pkey -in "$1/rp.pem" -pubout -out "$1/rp_pub.pem"
}

# Listen on port 0: the embedded Request Service then takes the bound address as
# its public URL and authority. No "roles": every role, as in a default install.
write_config() {
  cat > "$1" <<JSON
{"environment":"test","listen":"127.0.0.1:0","dataDir":"$2","logLevel":"warn",
 "rateLimits":{"intake":{"perIp":0,"perOrg":0},"token":{"perIp":0,"perOrg":0},"create":{"perIp":0,"perOrg":0}},
 "outbound":{"allow":["127.0.0.0/8"]},
 "proofingProviders":{"sandbox":{"type":"sandbox"}},
 "orgs":[{"id":"bench","redirectUrls":["$REDIRECT"],"keys":{"pemFiles":["$3/rp_pub.pem"]},"maxTokenLifetimeSeconds":3600}]}
JSON
}
