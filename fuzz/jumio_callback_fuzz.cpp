// Jumio callback bodies and retrieval "details" bodies. Jumio does not sign
// callbacks; our userReference carries an HMAC. So that the fuzzer gets past
// that check, "@REF@" in the input is replaced by a valid userReference. A
// verdict's document number (PII) never lands in the stored claims, and
// comparing it with a claimed identity never fails to decide.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/base/clock.h"
#include "common/http/http_client.h"
#include "issuer/jumio_provider.h"
#include "issuer/verdict_check.h"

namespace {

class NoNetwork final : public vc::common::HttpClient {
 public:
  vc::common::Result<vc::common::HttpResponse> Send(const vc::common::HttpRequest&) override {
    return vc::common::Error{"connect_failed", "fuzzing: no network"};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static NoNetwork http;
  static vc::common::ManualClock clock;
  static vc::issuer::JumioProvider jumio(
      vc::issuer::JumioOptions{.callback_secret = "fuzz-callback-secret"}, http, clock);
  static const std::string ref = jumio.UserReference("attempt-1", 1'700'000'000'000);
  std::string body(reinterpret_cast<const char*>(data), size);
  for (size_t at = body.find("@REF@"); at != std::string::npos; at = body.find("@REF@", at)) {
    body.replace(at, 5, ref);
    at += ref.size();
  }
  (void)jumio.AuthenticateCallback(vc::issuer::CallbackInput{{}, body, "127.0.0.1"});
  auto verdict = vc::issuer::MapJumioDetails(body, size % 2 == 0);
  if (verdict.ok()) {
    if (verdict->claims.count("documentNumber")) std::abort();
    const vc::issuer::ClaimedIdentity claimed{"Olena Kovalenko",
                                              size % 3 == 0 ? "PRC_ID" : "PASSPORT",
                                              size % 3 == 0 ? "11010519900307001X" : "P1234567"};
    (void)vc::issuer::Disagreement(claimed, *verdict);
  }
  (void)vc::issuer::ParseJumioTimestampMs(body);
  return 0;
}
