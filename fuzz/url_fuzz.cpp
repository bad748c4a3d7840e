// Percent-decoding, query/form parsing and the absolute-URL parser: no crash,
// encode/decode round-trips, and a parsed URL's normal form parses to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/http/url.h"

namespace vcc = vc::common;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto decoded = vcc::PercentDecode(text, size % 2 == 0)) {
    auto again = vcc::PercentDecode(vcc::PercentEncode(*decoded));
    if (!again || *again != *decoded) std::abort();
  }
  if (auto params = vcc::ParseQueryString(text)) {
    auto again = vcc::ParseQueryString(vcc::FormUrlEncode(params->list()),
                                       vcc::QueryLimits{1 << 20, 1 << 16});
    if (!again || again->list() != params->list()) std::abort();
    (void)vcc::BuildUrl("https://rp.example/done#f", params->list());
  }
  if (auto url = vcc::ParseUrl(text)) {
    const std::string normal = url->ToString();
    auto again = vcc::ParseUrl(normal);
    if (!again || again->ToString() != normal) std::abort();
    (void)url->Origin();
  }
  return 0;
}
