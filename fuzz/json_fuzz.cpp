// Untrusted JSON with the limits request bodies use: no crash, and whatever
// parses serialises and parses again, to the same text unless it holds
// non-integer numbers (RapidJSON's default parsing may be one ULP off for
// long mantissas; see common/json.cpp).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/base/json.h"

namespace {

bool HasDouble(const rapidjson::Value& v) {
  if (v.IsDouble()) return true;
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (HasDouble(item)) return true;
    }
  }
  if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (HasDouble(m.value)) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  vc::common::JsonLimits limits;
  limits.max_bytes = 64 * 1024;
  auto doc = vc::common::ParseJson(text, limits);
  if (doc) {
    const std::string once = vc::common::ToJson(*doc);
    auto again = vc::common::ParseJson(once, limits);
    if (!again) std::abort();
    if (!HasDouble(*doc) && vc::common::ToJson(*again) != once) std::abort();
    if (doc->IsObject()) {
      (void)vc::common::GetString(*doc, "a");
      (void)vc::common::GetInt64(*doc, "exp");
      (void)vc::common::GetNumericDate(*doc, "exp");
      (void)vc::common::GetBool(*doc, "b");
    }
  }
  (void)vc::common::ParseJsonObject(text, limits);
  return 0;
}
