// JWK and JWK Set import: no crash; an imported key exports, thumbprints and
// re-imports to the same thumbprint.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/jose/jwk.h"

using vc::common::Jwk;

namespace {

void CheckKey(const Jwk& key) {
  const std::string thumb = key.Thumbprint();
  auto again = Jwk::FromJsonText(key.ToPrivateJson());
  if (!again || again->Thumbprint() != thumb) std::abort();
  if (key.type() != vc::common::KeyType::kOct) {
    auto pub = Jwk::FromJsonText(key.ToPublicJson());
    if (!pub || pub->Thumbprint() != thumb) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto key = Jwk::FromJsonText(text)) CheckKey(*key);
  if (auto set = vc::common::Jwks::FromJsonText(text)) {
    for (const auto& key : set->keys()) CheckKey(key);
    (void)set->ToPublicJson();
    (void)set->FindByKid("1");
  }
  return 0;
}
