// Single-thread JWS throughput per algorithm for a small JWT: SignCompact and
// VerifyCompact (parse + allow-list + signature), as the jumpstart and
// credential paths call them. Plain C++, no benchmark framework.
//   jose_bench [SECONDS_PER_CASE] [--tsv] [--only ALG]
// Rates are per second of this process's CPU time (user + system), like
// `openssl speed`, which divides by user CPU time unless given -elapsed: on a
// shared machine wall time would mostly measure the neighbours.
// Beside `openssl speed` (see bench/jose_vs_openssl.sh) it measures the raw
// primitive in-process, the way `openssl speed` does it (a context set up once,
// a precomputed digest), alternating rounds of ours and raw and keeping the best
// of each, so the ratio survives a busy machine.
// --tsv prints "alg<TAB>sign/s<TAB>verify/s<TAB>signing-input bytes<TAB>raw
// verify/s" for bench/jose_vs_openssl.sh; otherwise a markdown table.
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/openssl_ptr.h"
#include "common/jose/es_signature.h"
#include "common/jose/jws.h"

namespace {

using vc::common::Jwk;
using vc::common::JwsAlg;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr JwsAlg kAllAlgs[] = {JwsAlg::kRS256,  JwsAlg::kPS256, JwsAlg::kES256,
                               JwsAlg::kES256K, JwsAlg::kEdDSA, JwsAlg::kHS256};

// A typical small JWT payload (~200 bytes).
constexpr char kPayload[] =
    R"({"iss":"https://issuer.example.com","sub":"8f14e45f-ceea-467f-a0e6-1f9cf4c1b2a7",)"
    R"("aud":"https://verifier.example.com","iat":1700000000,"exp":1700000600,)"
    R"("jti":"b5b7f6a2-41d2-4a0e-9f53-0c9e3f2d8c11","nonce":"n-0S6_WzA2Mj"})";

// Calls `op` repeatedly for about `seconds` of CPU time; returns operations per second.
// `op` returns false on failure, which aborts the run (a benchmark of an
// error path would be meaningless).
template <typename Op>
double Measure(double seconds, Op op) {
  for (int i = 0; i < 10; ++i) op();  // warm-up: lazy OpenSSL init, caches
  long n = 0;
  const double start = CpuSeconds();
  double now = start;
  while (now < start + seconds) {
    for (int i = 0; i < 16; ++i) {
      if (!op()) {
        std::fprintf(stderr, "operation failed\n");
        std::exit(1);
      }
    }
    n += 16;
    now = CpuSeconds();
  }
  return static_cast<double>(n) / (now - start);
}

// The bare signature check under `alg`, set up once and repeated: what
// `openssl speed` times. HS256 has no asymmetric primitive; its "raw" is one
// HMAC over the signing input.
class RawVerifier {
 public:
  RawVerifier(const Jwk& key, JwsAlg alg, const std::string& token) : key_(key), alg_(alg) {
    const size_t dot = token.rfind('.');
    input_ = token.substr(0, dot);
    sig_ = vc::common::Base64UrlDecode(token.substr(dot + 1)).value();
    digest_ = vc::common::Sha256(input_);
    if (alg == JwsAlg::kHS256) return;
    if (alg == JwsAlg::kEdDSA) {
      md_ctx_.reset(EVP_MD_CTX_new());
      Check(EVP_DigestVerifyInit(md_ctx_.get(), nullptr, nullptr, nullptr, key.pkey()));
      return;
    }
    if (alg == JwsAlg::kES256 || alg == JwsAlg::kES256K) {
      sig_ = vc::common::es_signature::RawToDer(sig_, 32).value();
    }
    ctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey(), nullptr));
    Check(EVP_PKEY_verify_init(ctx_.get()));
    Check(EVP_PKEY_CTX_set_signature_md(ctx_.get(), EVP_sha256()));
    if (alg == JwsAlg::kPS256) {
      Check(EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_PSS_PADDING));
      Check(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx_.get(), 32));
    }
  }

  bool operator()() const {
    const auto* sig = reinterpret_cast<const unsigned char*>(sig_.data());
    if (alg_ == JwsAlg::kHS256) return vc::common::HmacSha256(key_.secret(), input_) == sig_;
    if (alg_ == JwsAlg::kEdDSA) {
      return 1 == EVP_DigestVerify(md_ctx_.get(), sig, sig_.size(),
                                   reinterpret_cast<const unsigned char*>(input_.data()),
                                   input_.size());
    }
    return 1 == EVP_PKEY_verify(ctx_.get(), sig, sig_.size(),
                                reinterpret_cast<const unsigned char*>(digest_.data()),
                                digest_.size());
  }

 private:
  static void Check(int rc) {
    if (rc != 1) {
      std::fprintf(stderr, "OpenSSL setup failed\n");
      std::exit(1);
    }
  }
  const Jwk& key_;
  JwsAlg alg_;
  std::string input_, sig_, digest_;
  vc::common::ossl::PkeyCtxPtr ctx_;
  vc::common::ossl::MdCtxPtr md_ctx_;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  bool tsv = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tsv") {
      tsv = true;
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      seconds = std::atof(argv[i]);
      if (seconds <= 0) {
        std::fprintf(stderr, "usage: jose_bench [SECONDS_PER_CASE] [--tsv] [--only ALG]\n");
        return 2;
      }
    }
  }
  if (!tsv) {
    std::printf(
        "| alg | sign ops/s | verify ops/s | raw verify ops/s | verify/raw |\n"
        "|---|---:|---:|---:|---:|\n");
  }
  for (JwsAlg alg : kAllAlgs) {
    if (!only.empty() && only != vc::common::AlgName(alg)) continue;
    const Jwk key = Jwk::Generate(alg);
    const Jwk verify_key = key.PublicOnly();
    const vc::common::JwsHeader header{"JWT", "bench-key", ""};
    const std::string token = vc::common::SignCompact(key, alg, kPayload, header).value();
    const double sign =
        Measure(seconds, [&] { return vc::common::SignCompact(key, alg, kPayload, header).ok(); });
    const RawVerifier raw_verifier(verify_key, alg, token);
    double verify = 0;
    double raw = 0;
    for (int round = 0; round < 3; ++round) {  // best of three, alternating
      verify = std::max(verify, Measure(seconds / 3, [&] {
                          return vc::common::VerifyCompact(token, verify_key, {alg}).ok();
                        }));
      raw = std::max(raw, Measure(seconds / 3, [&] { return raw_verifier(); }));
    }
    const auto name = vc::common::AlgName(alg);
    const size_t input_bytes = token.rfind('.');
    if (tsv) {
      std::printf("%.*s\t%.0f\t%.0f\t%zu\t%.0f\n", static_cast<int>(name.size()), name.data(), sign,
                  verify, input_bytes, raw);
    } else {
      std::printf("| %.*s | %.0f | %.0f | %.0f | %.0f%% |\n", static_cast<int>(name.size()),
                  name.data(), sign, verify, raw, 100 * verify / raw);
    }
    std::fflush(stdout);
  }
  return 0;
}
