// The outbound policy's static checks on arbitrary text read as a URL, a
// did:web and an allow-list entry: no crash; an allow-list entry re-parses to
// itself; a URL the default policy admits never names a special-purpose
// address literally (however the host is spelled or bracketed).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/http/ip_range.h"
#include "common/http/outbound_policy.h"
#include "common/http/url.h"
#include "keys/did.h"

namespace vcc = vc::common;

namespace {

void CheckUrl(const vcc::OutboundPolicy& policy, std::string_view url) {
  auto checked = vcc::CheckOutboundUrl(policy, url);
  if (!checked) return;
  auto parsed = vcc::ParseUrl(url);
  if (!parsed) std::abort();  // admitted, so it parses
  if (auto literal = vcc::IpAddress::Parse(parsed->host)) {
    if (vcc::SpecialPurpose(*literal)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const vcc::OutboundPolicy kDefault;
  CheckUrl(kDefault, text);
  if (auto url = vc::keys::DidWebDocumentUrl(text, "http")) CheckUrl(kDefault, *url);
  if (auto range = vcc::IpRange::Parse(text)) {
    auto again = vcc::IpRange::Parse(range->ToString());
    if (!again || again->ToString() != range->ToString() || !again->Contains(range->base)) {
      std::abort();
    }
  }
  if (auto ip = vcc::IpAddress::Parse(text)) {
    auto again = vcc::IpAddress::Parse(ip->ToString());
    if (!again || !(*again == *ip)) std::abort();
    (void)vcc::SpecialPurpose(*ip);
  }
  return 0;
}
