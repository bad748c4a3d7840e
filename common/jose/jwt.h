// JWT claim checks (RFC 7519 §4.1): exp, nbf, iat with a configurable clock
// skew, required claims, and an optional bound on the token's lifetime.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace vc::common {

enum class ClaimError {
  kInvalidPayload,   // the payload is not a JSON object
  kMissingClaim,     // a required claim is absent or of the wrong type
  kExpired,          // now >= exp + skew
  kNotYetValid,      // now < nbf - skew
  kIssuedInFuture,   // iat > now + skew
  kLifetimeTooLong,  // exp - now (or exp - iat) exceeds max_lifetime_seconds
};
// "invalid_payload", "missing_claim", "token_expired", "token_not_yet_valid",
// "token_issued_in_future", "lifetime_too_long"
std::string_view Code(ClaimError e);

using ClaimFailure = Failure<ClaimError>;
using ClaimStatus = BasicStatus<ClaimFailure>;
// The failure as a plain Error ({Code(reason), message}), for callers that
// pass it on as text.
Error ToError(const ClaimFailure& f);

struct ClaimPolicy {
  int64_t now = 0;  // seconds since the epoch, from a Clock
  int64_t skew_seconds = 60;
  bool require_exp = true;
  std::vector<std::string> required;  // other claims that must be present
  std::optional<int64_t> max_lifetime_seconds;
};

// Checks a decoded JWT payload (must be an object, else kInvalidPayload).
// exp/nbf/iat must be NumericDates when present. max_lifetime_seconds implies
// that exp is required. The failure's message names the claim.
ClaimStatus CheckClaims(const rapidjson::Value& payload, const ClaimPolicy& policy);

}  // namespace vc::common
