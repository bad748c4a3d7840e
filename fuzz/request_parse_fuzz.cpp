// The embedded Request Service's createIssuanceRequest and
// createPresentationRequest bodies: any body is a spec or a 400 failure, and an
// accepted spec keeps every free-text field within its documented limit
// (docs/security.md: what a caller may make the service store).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "credentials/presentation_request.h"
#include "request_service/request_parse.h"

namespace {

namespace c = vc::credentials;

void Require(bool holds) {
  if (!holds) std::abort();
}

void CheckLimits(const vc::request_service::PresentationSpec& s) {
  Require(s.client_name.size() <= c::kMaxClientNameBytes);
  Require(s.purpose.size() <= c::kMaxPurposeBytes);
  Require(s.callback.state.size() <= 2048 && s.callback.url.size() <= 2048);
  Require(s.requested.size() <= c::kMaxListItems);
  for (const auto& rc : s.requested) {
    Require(rc.type.size() <= c::kMaxTypeBytes && rc.purpose.size() <= c::kMaxPurposeBytes);
    Require(rc.accepted_issuers.size() <= c::kMaxListItems);
    for (const auto& issuer : rc.accepted_issuers) Require(issuer.size() <= c::kMaxDidBytes);
    Require(rc.constraints.size() <= c::kMaxListItems);
    for (const auto& k : rc.constraints) {
      Require(k.values.size() <= c::kMaxListItems);
      for (const auto& v : k.values) Require(v.size() <= c::kMaxValueBytes);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  auto issuance = vc::request_service::ParseIssuanceRequest(body);
  if (issuance.ok()) {
    Require(issuance->client_name.size() <= c::kMaxClientNameBytes);
    Require(issuance->type.size() <= c::kMaxTypeBytes && issuance->claims.size() <= 64);
    Require(issuance->callback.state.size() <= 2048 && issuance->manifest.size() <= 2048);
  }
  auto presentation = vc::request_service::ParsePresentationRequest(body);
  if (presentation.ok()) CheckLimits(*presentation);
  return 0;
}
