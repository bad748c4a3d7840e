// Auth0 Marketplace redirect Action intake (shared/specs/proofing-providers.md
// §4): Auth0 sends the browser to /id-verification?token=<HS256 JWT>&state=…;
// we proof the user, then the browser POSTs an HS256 result token to
// https://{iss}/continue?state=….
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "common/base/result.h"

namespace vc::issuer {

struct Auth0Tenant {
  std::string domain;  // the token's "iss", e.g. "example.auth0.com"
  std::string secret;  // the Action's Token Secret (UTF-8 bytes)
  std::string proofing;
  int64_t max_token_lifetime_seconds = 600;  // exp - iat at most this
};

// Codes (stable): malformed_token, unsupported_alg, invalid_signature,
// token_expired, token_not_yet_valid, lifetime_too_long, unknown_tenant,
// missing_state, token_replayed, storage_unavailable.
enum class Auth0Error {
  kMalformedToken,
  kUnsupportedAlg,
  kInvalidSignature,
  kTokenExpired,
  kTokenNotYetValid,
  kLifetimeTooLong,  // no iat, or exp - iat over the tenant's maximum
  kUnknownTenant,
  kMissingState,
  kTokenReplayed,
  kStorageUnavailable,  // 503: the claim could not be stored; the link still works later
};
std::string_view Code(Auth0Error e);
int HttpStatus(Auth0Error e);
std::string_view UserMessage(Auth0Error e);
// A refused Auth0 redirect: the reason and what exactly was wrong.
using Auth0Failure = common::Failure<Auth0Error>;

struct Auth0Claims {
  std::string iss;
  std::string sub;
  int64_t iat = 0;
  int64_t exp = 0;
  std::string state;         // from the query, byte for byte
  std::string token_digest;  // SHA-256 of the signed part: what makes the token one-use
};

class Auth0Intake {
 public:
  static constexpr int64_t kSkewSeconds = 60;
  static constexpr int64_t kReturnTokenLifetime = 120;  // Auth0 wants 60..300 s

  Auth0Intake(std::vector<Auth0Tenant> tenants, const common::Clock& clock)
      : tenants_(std::move(tenants)), clock_(clock) {}

  const Auth0Tenant* Find(std::string_view domain) const;

  // HS256 only, with the secret of the tenant named by "iss"; sub, iss, iat and
  // exp required; iat not in the future; exp - iat at most the tenant's maximum
  // lifetime. Never kTokenReplayed (the session store's).
  common::Result<Auth0Claims, Auth0Failure> Verify(std::string_view token,
                                                   std::string_view state) const;

  // The one-time key: the token itself (its signed part), not the `state`
  // beside it in the URL, which anyone holding the link can change. Kept until
  // exp, which the lifetime bound keeps close.
  static std::string ReplayKey(const Auth0Claims& claims);

  // The HS256 token for /continue: sub, iss, iat (now), exp, state, status
  // ("success", "failed" or "cancelled").
  common::Result<std::string> ReturnToken(const Auth0Claims& claims, std::string_view status) const;

  // https://{iss}/continue?state={state} — iss is a configured domain.
  static std::string ContinueUrl(std::string_view iss, std::string_view state);

 private:
  std::vector<Auth0Tenant> tenants_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
