#include "issuer/jumpstart.h"

#include <array>

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"

namespace vc::issuer {
using common::Result;

namespace {

struct Info {
  JumpstartError error;
  std::string_view code;
  int status;
  std::string_view user_message;
};

constexpr std::array<Info, 13> kInfo = {{
    {JumpstartError::kMalformedToken, "malformed_token", 400,
     "This link is not recognised. Please go back to the site that sent you and start again."},
    {JumpstartError::kUnsupportedAlg, "unsupported_alg", 400,
     "This link is not recognised. Please go back to the site that sent you and start again."},
    {JumpstartError::kInvalidSignature, "invalid_signature", 401,
     "This link is not recognised. Please go back to the site that sent you and start again."},
    {JumpstartError::kTokenExpired, "token_expired", 401,
     "This link has expired. Please go back to the site that sent you to get a new one."},
    {JumpstartError::kTokenNotYetValid, "token_not_yet_valid", 401,
     "This link is not valid yet. Check your device's clock, or go back and start again."},
    {JumpstartError::kLifetimeTooLong, "lifetime_too_long", 401,
     "This link is not recognised. Please go back to the site that sent you and start again."},
    {JumpstartError::kUnknownOrg, "unknown_org", 404,
     "This link is not recognised: the organisation is unknown here. Check the link, or go back "
     "to the site that sent you and start again."},
    {JumpstartError::kOrgMismatch, "org_mismatch", 400,
     "This link is not recognised. Please go back to the site that sent you and start again."},
    {JumpstartError::kRedirectNotAllowed, "redirect_not_allowed", 400,
     "This link is not recognised. Please go back to the site that sent you and start again."},
    {JumpstartError::kTokenReplayed, "token_replayed", 409,
     "This link has already been used. Each link works once: please go back to the site that "
     "sent you to get a new one."},
    {JumpstartError::kKeysUnavailable, "keys_unavailable", 503,
     "We cannot check this link right now. Please try again in a few minutes."},
    {JumpstartError::kStorageUnavailable, "storage_unavailable", 503,
     "We cannot continue right now. Please try the link again in a moment."},
    {JumpstartError::kNeedsKeyFetch, "keys_not_cached", 503,
     "We cannot check this link right now. Please try again in a few minutes."},
}};

const Info& InfoFor(JumpstartError e) {
  for (const auto& i : kInfo) {
    if (i.error == e) return i;
  }
  return kInfo[0];
}

JumpstartError FromClaimError(common::ClaimError e) {
  switch (e) {
    case common::ClaimError::kExpired:
      return JumpstartError::kTokenExpired;
    case common::ClaimError::kNotYetValid:
    case common::ClaimError::kIssuedInFuture:
      return JumpstartError::kTokenNotYetValid;
    case common::ClaimError::kLifetimeTooLong:
      return JumpstartError::kLifetimeTooLong;
    case common::ClaimError::kInvalidPayload:
    case common::ClaimError::kMissingClaim:
      break;
  }
  return JumpstartError::kMalformedToken;
}

JumpstartFailure Fail(JumpstartError e, std::string message) {
  return JumpstartFailure{e, std::move(message)};
}

Result<std::string, JumpstartFailure> RequiredString(const rapidjson::Value& payload,
                                                     const char* name) {
  auto v = common::GetString(payload, name);
  if (!v || v->empty()) {
    return Fail(JumpstartError::kMalformedToken,
                std::string("the token has no ") + name + " claim");
  }
  return std::string(*v);
}

}  // namespace

std::string_view Code(JumpstartError e) { return InfoFor(e).code; }
int HttpStatus(JumpstartError e) { return InfoFor(e).status; }
std::string_view UserMessage(JumpstartError e) { return InfoFor(e).user_message; }

Result<JumpstartClaims, JumpstartFailure> JumpstartVerifier::Verify(std::string_view path_org,
                                                                    std::string_view token,
                                                                    keys::KeyFetch fetch) const {
  const Org* org = orgs_.Find(path_org);
  if (!org) return Fail(JumpstartError::kUnknownOrg, "the org is not registered");
  auto jws = common::ParseCompact(token, 8 * 1024);
  if (!jws) return Fail(JumpstartError::kMalformedToken, jws.error().message);
  // RS256 only: refuse anything else before looking at keys or signatures.
  if (jws->alg_name != "RS256") {
    return Fail(JumpstartError::kUnsupportedAlg,
                "jumpstart tokens must be RS256, not " + jws->alg_name);
  }
  auto keys = keys_.KeysFor(org->id, jws->kid, fetch);
  if (!keys) {
    switch (keys.error().reason) {
      case keys::RpKeyError::kJwksUnavailable:
        return Fail(JumpstartError::kKeysUnavailable, keys.error().message);
      case keys::RpKeyError::kFetchNeeded:
        return Fail(JumpstartError::kNeedsKeyFetch, keys.error().message);
      default:
        return Fail(JumpstartError::kInvalidSignature, keys.error().message);
    }
  }
  bool verified = false;
  for (const auto& key : *keys) {
    if (common::VerifySignature(*jws, key, {common::JwsAlg::kRS256})) {
      verified = true;
      break;
    }
  }
  if (!verified) {
    return Fail(JumpstartError::kInvalidSignature, "no key of the org verifies the signature");
  }
  auto payload = common::ParseJsonObject(jws->payload, {16 * 1024, 8});
  if (!payload) return Fail(JumpstartError::kMalformedToken, payload.error().message);

  common::ClaimPolicy policy;
  policy.now = clock_.NowSeconds();
  policy.skew_seconds = kJumpstartSkewSeconds;
  policy.require_exp = true;
  policy.max_lifetime_seconds = org->max_token_lifetime_seconds;
  if (auto st = common::CheckClaims(*payload, policy); !st) {
    return Fail(FromClaimError(st.error().reason), st.error().message);
  }
  JumpstartClaims claims;
  claims.exp = common::GetNumericDate(*payload, "exp").value_or(0);
  auto org_id = RequiredString(*payload, "OrgId");
  if (!org_id) return org_id.error();
  if (*org_id != org->id) {
    return Fail(JumpstartError::kOrgMismatch, "the token's OrgId does not match the link's org");
  }
  auto request_id = RequiredString(*payload, "RequestId");
  if (!request_id) return request_id.error();
  if (request_id->size() > kMaxRequestIdLength) {
    return Fail(JumpstartError::kMalformedToken, "RequestId is longer than 128 characters");
  }
  auto redirect = RequiredString(*payload, "redirectUrl");
  if (!redirect) return redirect.error();
  if (!IsRegisteredRedirect(*org, *redirect)) {
    return Fail(JumpstartError::kRedirectNotAllowed, "redirectUrl is not registered for the org");
  }
  claims.org_id = std::move(*org_id);
  claims.request_id = std::move(*request_id);
  claims.redirect_url = std::move(*redirect);
  return claims;
}

}  // namespace vc::issuer
