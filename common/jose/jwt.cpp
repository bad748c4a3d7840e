#include "common/jose/jwt.h"

#include <cstdint>

#include "common/base/json.h"

namespace vc::common {
namespace {

ClaimFailure Fail(ClaimError e, std::string message) { return {e, std::move(message)}; }

// A time claim: absent is fine here (the caller decides whether it is required),
// present but not a NumericDate is not.
ClaimStatus ReadDate(const rapidjson::Value& payload, const char* name,
                     std::optional<int64_t>& out) {
  if (!payload.HasMember(name)) return ClaimStatus::Ok();
  out = GetNumericDate(payload, name);
  if (!out) {
    return Fail(ClaimError::kMissingClaim,
                std::string("claim \"") + name + "\" is not a NumericDate");
  }
  return ClaimStatus::Ok();
}

// a - b, saturated: claims are attacker-chosen and may sit at the int64 limits.
int64_t SaturatingSub(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_sub_overflow(a, b, &out)) return b < 0 ? INT64_MAX : INT64_MIN;
  return out;
}

}  // namespace

std::string_view Code(ClaimError e) {
  switch (e) {
    case ClaimError::kInvalidPayload:
      return "invalid_payload";
    case ClaimError::kMissingClaim:
      return "missing_claim";
    case ClaimError::kExpired:
      return "token_expired";
    case ClaimError::kNotYetValid:
      return "token_not_yet_valid";
    case ClaimError::kIssuedInFuture:
      return "token_issued_in_future";
    case ClaimError::kLifetimeTooLong:
      return "lifetime_too_long";
  }
  return "unknown";
}

Error ToError(const ClaimFailure& f) { return Error{std::string(Code(f.reason)), f.message}; }

ClaimStatus CheckClaims(const rapidjson::Value& payload, const ClaimPolicy& policy) {
  if (!payload.IsObject())
    return Fail(ClaimError::kInvalidPayload, "JWT payload is not a JSON object");
  std::optional<int64_t> exp, nbf, iat;
  for (auto [name, out] :
       {std::pair{"exp", &exp}, std::pair{"nbf", &nbf}, std::pair{"iat", &iat}}) {
    if (auto s = ReadDate(payload, name, *out); !s) return s;
  }
  // A lifetime bound means nothing without an expiry.
  if (!exp && (policy.require_exp || policy.max_lifetime_seconds)) {
    return Fail(ClaimError::kMissingClaim, "claim \"exp\" is missing");
  }
  for (const auto& name : policy.required) {
    if (!payload.HasMember(name.c_str())) {
      return Fail(ClaimError::kMissingClaim, "claim \"" + name + "\" is missing");
    }
  }
  // Written as now - skew / now + skew so that huge claim values cannot overflow.
  const int64_t earliest = policy.now - policy.skew_seconds;
  const int64_t latest = policy.now + policy.skew_seconds;
  if (exp && earliest >= *exp) {
    return Fail(ClaimError::kExpired, "claim \"exp\" " + std::to_string(*exp) + " is past (now " +
                                          std::to_string(policy.now) + ")");
  }
  if (nbf && latest < *nbf) {
    return Fail(ClaimError::kNotYetValid, "claim \"nbf\" " + std::to_string(*nbf) +
                                              " is in the future (now " +
                                              std::to_string(policy.now) + ")");
  }
  if (iat && *iat > latest) {
    return Fail(ClaimError::kIssuedInFuture, "claim \"iat\" " + std::to_string(*iat) +
                                                 " is in the future (now " +
                                                 std::to_string(policy.now) + ")");
  }
  if (policy.max_lifetime_seconds) {
    const int64_t lifetime = SaturatingSub(*exp, iat ? *iat : policy.now);
    if (lifetime > *policy.max_lifetime_seconds) {
      return Fail(ClaimError::kLifetimeTooLong, "claim \"exp\" gives a lifetime of " +
                                                    std::to_string(lifetime) + " s, more than " +
                                                    std::to_string(*policy.max_lifetime_seconds));
    }
  }
  return ClaimStatus::Ok();
}

}  // namespace vc::common
