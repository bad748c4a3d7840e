// Jumpstart links (Entra IDV-partner pattern): an RP sends the user to
// /{orgId}/?token=<JWT>, RS256-signed with the RP's key, with claims OrgId,
// RequestId, redirectUrl and exp. This checks the token; claiming the
// RequestId (one use only) is the IntakeStore's job, after every check passed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "issuer/orgs.h"
#include "keys/rp_keys.h"

namespace vc::issuer {

// One value per reason a jumpstart link is refused; codes are stable API.
enum class JumpstartError {
  kMalformedToken,    // not a JWS, bad JSON, or a required claim missing/ill-typed
  kUnsupportedAlg,    // anything but RS256
  kInvalidSignature,  // no key of the org verifies it (unknown kid included)
  kTokenExpired,
  kTokenNotYetValid,    // nbf (or iat) in the future beyond the skew
  kLifetimeTooLong,     // exp further out than the org allows
  kUnknownOrg,          // the path's org is not registered
  kOrgMismatch,         // OrgId claim differs from the path's org
  kRedirectNotAllowed,  // redirectUrl is not registered for the org
  kTokenReplayed,       // the RequestId was used before
  kKeysUnavailable,     // the org's JWKS could never be fetched
  kStorageUnavailable,  // the claim could not be stored; nothing was claimed
  // Only from Verify(…, KeyFetch::kNever): the org's keys must be fetched first,
  // on a thread that may block. Never shown to a client.
  kNeedsKeyFetch,
};

std::string_view Code(JumpstartError e);
int HttpStatus(JumpstartError e);
// Plain words for the browser page: what happened and what to do.
std::string_view UserMessage(JumpstartError e);
// A refused jumpstart link: the reason and, for the log, what exactly was wrong.
using JumpstartFailure = common::Failure<JumpstartError>;

struct JumpstartClaims {
  std::string org_id;
  std::string request_id;
  std::string redirect_url;
  int64_t exp = 0;
};

constexpr size_t kMaxRequestIdLength = 128;
constexpr int64_t kJumpstartSkewSeconds = 60;

class JumpstartVerifier {
 public:
  JumpstartVerifier(const OrgRegistry& orgs, keys::RpKeyRegistry& keys, const common::Clock& clock)
      : orgs_(orgs), keys_(keys), clock_(clock) {}

  // Every check but the one-time claim (never kTokenReplayed: that is the
  // session store's).
  common::Result<JumpstartClaims, JumpstartFailure> Verify(
      std::string_view path_org, std::string_view token,
      keys::KeyFetch fetch = keys::KeyFetch::kAllowed) const;

 private:
  const OrgRegistry& orgs_;
  keys::RpKeyRegistry& keys_;
  const common::Clock& clock_;
};

}  // namespace vc::issuer
