// Internal to common/: ECDSA signatures in the two forms that meet in JOSE.
// OpenSSL produces and consumes DER (SEQUENCE { INTEGER r, INTEGER s }); JWS
// (RFC 7518 §3.4) carries the fixed-width raw form R || S.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vc::common::es_signature {

// DER -> R || S with each half left-padded to `half_bytes` (32 for ES256/ES256K).
// nullopt if the DER is malformed or a value does not fit.
std::optional<std::string> DerToRaw(std::string_view der, size_t half_bytes);

// R || S -> DER. nullopt unless `raw` is exactly 2 * `half_bytes` long, so a
// truncated or padded JWS signature is refused before any verification.
std::optional<std::string> RawToDer(std::string_view raw, size_t half_bytes);

}  // namespace vc::common::es_signature
