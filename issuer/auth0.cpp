#include "issuer/auth0.h"

#include <array>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"

namespace vc::issuer {
using common::Error;
using common::Result;

namespace {

struct Info {
  Auth0Error error;
  std::string_view code;
  int status;
  std::string_view user_message;
};

constexpr std::string_view kStartAgain =
    "We could not start identity verification from this link. Please sign in again.";

constexpr std::array<Info, 10> kInfo = {{
    {Auth0Error::kMalformedToken, "malformed_token", 400, kStartAgain},
    {Auth0Error::kUnsupportedAlg, "unsupported_alg", 400, kStartAgain},
    {Auth0Error::kInvalidSignature, "invalid_signature", 401, kStartAgain},
    {Auth0Error::kTokenExpired, "token_expired", 401,
     "This sign-in link has expired. Please sign in again."},
    {Auth0Error::kTokenNotYetValid, "token_not_yet_valid", 401,
     "This sign-in link is not valid yet. Check your device's clock and sign in again."},
    {Auth0Error::kLifetimeTooLong, "lifetime_too_long", 401, kStartAgain},
    {Auth0Error::kUnknownTenant, "unknown_tenant", 400, kStartAgain},
    {Auth0Error::kMissingState, "missing_state", 400, kStartAgain},
    {Auth0Error::kTokenReplayed, "token_replayed", 409,
     "This sign-in link has already been used. Please sign in again."},
    {Auth0Error::kStorageUnavailable, "storage_unavailable", 503,
     "We cannot continue right now. Please try again in a moment."},
}};

const Info& InfoFor(Auth0Error e) {
  for (const auto& i : kInfo) {
    if (i.error == e) return i;
  }
  return kInfo[0];
}

Auth0Failure Fail(Auth0Error e, std::string message) { return Auth0Failure{e, std::move(message)}; }

}  // namespace

std::string_view Code(Auth0Error e) { return InfoFor(e).code; }
int HttpStatus(Auth0Error e) { return InfoFor(e).status; }
std::string_view UserMessage(Auth0Error e) { return InfoFor(e).user_message; }

const Auth0Tenant* Auth0Intake::Find(std::string_view domain) const {
  for (const auto& t : tenants_) {
    if (t.domain == domain) return &t;
  }
  return nullptr;
}

Result<Auth0Claims, Auth0Failure> Auth0Intake::Verify(std::string_view token,
                                                      std::string_view state) const {
  if (state.empty()) return Fail(Auth0Error::kMissingState, "the state parameter is missing");
  if (state.size() > 2048)
    return Fail(Auth0Error::kMissingState, "the state parameter is too long");
  auto jws = common::ParseCompact(token, 8 * 1024);
  if (!jws) return Fail(Auth0Error::kMalformedToken, jws.error().message);
  if (jws->alg_name != "HS256") {
    return Fail(Auth0Error::kUnsupportedAlg,
                "Auth0 redirect tokens must be HS256, not " + jws->alg_name);
  }
  auto payload = common::ParseJsonObject(jws->payload, {16 * 1024, 8});
  if (!payload) return Fail(Auth0Error::kMalformedToken, payload.error().message);
  // "iss" picks the secret; nothing else is read before the signature is checked.
  auto iss = common::GetString(*payload, "iss");
  if (!iss) return Fail(Auth0Error::kMalformedToken, "the token has no iss claim");
  const Auth0Tenant* tenant = Find(*iss);
  if (!tenant)
    return Fail(Auth0Error::kUnknownTenant, "the token's issuer is not a configured tenant");
  if (!common::VerifySignature(*jws, common::Jwk::FromSecret(tenant->secret),
                               {common::JwsAlg::kHS256})) {
    return Fail(Auth0Error::kInvalidSignature, "the token's signature does not verify");
  }
  common::ClaimPolicy policy;
  policy.now = clock_.NowSeconds();
  policy.skew_seconds = kSkewSeconds;
  policy.required = {"sub", "iat"};
  policy.max_lifetime_seconds = tenant->max_token_lifetime_seconds;
  if (auto st = common::CheckClaims(*payload, policy); !st) {
    switch (st.error().reason) {
      case common::ClaimError::kExpired:
        return Fail(Auth0Error::kTokenExpired, st.error().message);
      case common::ClaimError::kNotYetValid:
      case common::ClaimError::kIssuedInFuture:
        return Fail(Auth0Error::kTokenNotYetValid, st.error().message);
      case common::ClaimError::kLifetimeTooLong:
        return Fail(Auth0Error::kLifetimeTooLong, st.error().message);
      default:
        return Fail(Auth0Error::kMalformedToken, st.error().message);
    }
  }
  auto sub = common::GetString(*payload, "sub");
  if (!sub || sub->empty()) return Fail(Auth0Error::kMalformedToken, "the token has no sub claim");
  Auth0Claims c;
  c.iss = std::string(*iss);
  c.sub = std::string(*sub);
  c.iat = common::GetNumericDate(*payload, "iat").value_or(0);
  c.exp = common::GetNumericDate(*payload, "exp").value_or(0);
  c.state = std::string(state);
  // The HMAC covers exactly the signing input: a token re-encoded differently
  // does not verify, so this names the token whatever the URL around it says.
  c.token_digest = common::HexEncode(common::Sha256(jws->signing_input));
  return c;
}

std::string Auth0Intake::ReplayKey(const Auth0Claims& c) { return c.token_digest; }

Result<std::string> Auth0Intake::ReturnToken(const Auth0Claims& c, std::string_view status) const {
  const Auth0Tenant* tenant = Find(c.iss);
  if (!tenant) {
    return Error{std::string(Code(Auth0Error::kUnknownTenant)),
                 "the tenant is no longer configured"};
  }
  const int64_t now = clock_.NowSeconds();
  common::JsonWriter w;
  w->StartObject();
  w.Member("sub", c.sub);
  w.Member("iss", c.iss);
  w.Member("iat", now);
  w.Member("exp", now + kReturnTokenLifetime);
  w.Member("state", c.state);
  w.Member("status", status);
  w->EndObject();
  return common::SignCompact(common::Jwk::FromSecret(tenant->secret), common::JwsAlg::kHS256,
                             w.str(), {"JWT", "", ""});
}

std::string Auth0Intake::ContinueUrl(std::string_view iss, std::string_view state) {
  return common::BuildUrl("https://" + std::string(iss) + "/continue",
                          {{"state", std::string(state)}});
}

}  // namespace vc::issuer
