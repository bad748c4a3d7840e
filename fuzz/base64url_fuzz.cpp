// Base64url and base64 decoding: no crash, and strict decoding round-trips
// (every accepted input has exactly one decoding, so encode(decode(x)) == x).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/base/base64url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto decoded = vc::common::Base64UrlDecode(text)) {
    if (vc::common::Base64UrlEncode(*decoded) != text) std::abort();
  }
  if (auto decoded = vc::common::Base64Decode(text)) {
    (void)vc::common::Base64Encode(*decoded);
  }
  return 0;
}
