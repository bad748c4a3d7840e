// Auth0 redirect tokens: the input is a token payload, which the harness signs
// with the tenant's secret so that the fuzzer reaches the claim checks. Whatever
// the payload, the one-time key is the token's, not the URL's `state` (two
// states give one key), and an accepted token has iat and lives at most the
// tenant's maximum lifetime.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/base/clock.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "issuer/auth0.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vc::common::ManualClock clock(1'700'000'000);
  static const vc::issuer::Auth0Intake intake(
      {{"tenant.example", "fuzz-auth0-secret-0123456789abcdef", "sandbox", 600}}, clock);
  const std::string payload(reinterpret_cast<const char*>(data), size);
  auto token =
      vc::common::SignCompact(vc::common::Jwk::FromSecret("fuzz-auth0-secret-0123456789abcdef"),
                              vc::common::JwsAlg::kHS256, payload);
  if (!token) return 0;
  auto a = intake.Verify(*token, "state-a");
  auto b = intake.Verify(*token, "another-state");
  if (a.ok() != b.ok()) std::abort();
  if (!a.ok()) return 0;
  if (vc::issuer::Auth0Intake::ReplayKey(*a) != vc::issuer::Auth0Intake::ReplayKey(*b))
    std::abort();
  if (a->iat == 0 || a->exp - a->iat > 600) std::abort();
  return 0;
}
