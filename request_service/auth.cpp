#include "request_service/auth.h"

#include <algorithm>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"

namespace vc::request_service {

namespace {

bool Covers(const std::vector<std::string>& roles, Operation op) {
  auto has = [&](const char* r) { return std::find(roles.begin(), roles.end(), r) != roles.end(); };
  switch (op) {
    case Operation::kIssue:
      return has(kRoleCreateAll) || has(kRoleIssue);
    case Operation::kPresent:
      return has(kRoleCreateAll) || has(kRolePresent);
    case Operation::kRevoke:
      return has(kRoleRevoke);
  }
  return false;
}

ApiFailure Unauthorized(std::string code, std::string message) {
  return ApiFailure{401, std::move(code), std::move(message), ""};
}

}  // namespace

TokenService::TokenService(std::vector<common::RequestServiceClient> clients,
                           std::string signing_secret, std::string tenant_id,
                           const common::Clock& clock, int64_t lifetime_seconds)
    : clients_(std::move(clients)),
      key_(common::Jwk::FromSecret(std::move(signing_secret))),
      tenant_id_(std::move(tenant_id)),
      clock_(clock),
      lifetime_(lifetime_seconds) {}

std::string TokenService::Mint(const common::RequestServiceClient& client) const {
  const int64_t now = clock_.NowSeconds();
  common::JsonWriter w;
  w->StartObject();
  w.Member("aud", kResourceAppId);
  w.Member("iss", "vcservice:request-service:" + tenant_id_);
  w.Member("appid", client.client_id);
  w.Member("tid", tenant_id_);
  w->Key("roles");
  w->StartArray();
  for (const auto& r : client.roles) w->String(r);
  w->EndArray();
  w.Member("iat", now);
  w.Member("exp", now + lifetime_);
  w->EndObject();
  return common::SignCompact(key_, common::JwsAlg::kHS256, w.str(), {"JWT", "", ""}).value();
}

std::variant<std::string, TokenError> TokenService::Issue(const common::QueryParams& form) const {
  if (form.Get("grant_type").value_or("") != "client_credentials") {
    return TokenError{400, "unsupported_grant_type", "grant_type must be client_credentials"};
  }
  if (form.Get("scope").value_or("") != std::string(kResourceAppId) + "/.default") {
    return TokenError{400, "invalid_scope",
                      std::string("scope must be ") + kResourceAppId + "/.default"};
  }
  const auto id = form.Get("client_id").value_or("");
  const auto secret = form.Get("client_secret").value_or("");
  for (const auto& c : clients_) {
    if (c.client_id != id) continue;
    if (!common::ConstantTimeEquals(c.client_secret, secret)) break;
    common::JsonWriter w;
    w->StartObject();
    w.Member("access_token", Mint(c));
    w.Member("token_type", "Bearer");
    w.Member("expires_in", lifetime_);
    w->EndObject();
    return w.str();
  }
  return TokenError{401, "invalid_client", "client authentication failed"};
}

ApiResult<std::string> TokenService::Authorize(std::optional<std::string_view> authorization,
                                               Operation op) const {
  if (!authorization || !authorization->starts_with("Bearer ")) {
    return Unauthorized("tokenError", "An access token is required (Authorization: Bearer).");
  }
  auto token = common::VerifyCompact(authorization->substr(7), key_, {common::JwsAlg::kHS256});
  if (!token) return Unauthorized("tokenError", "The access token is not valid.");
  auto payload = common::ParseJsonObject(token->payload);
  if (!payload) return Unauthorized("tokenError", "The access token is not valid.");
  common::ClaimPolicy policy{clock_.NowSeconds(), 60, true, {"appid", "tid"}, std::nullopt};
  if (auto s = common::CheckClaims(*payload, policy); !s) {
    return Unauthorized("tokenError", "The access token is expired or incomplete.");
  }
  if (common::GetString(*payload, "aud").value_or("") != kResourceAppId ||
      common::GetString(*payload, "tid").value_or("") != tenant_id_) {
    return Unauthorized("tokenError", "The access token is for another resource or tenant.");
  }
  std::vector<std::string> roles;
  if (const auto* arr = common::GetArray(*payload, "roles")) {
    for (const auto& r : arr->GetArray()) {
      if (r.IsString()) roles.emplace_back(r.GetString(), r.GetStringLength());
    }
  }
  if (roles.empty())
    return Unauthorized("invalid_aad_access_token", "Provided access token contains no roles.");
  if (!Covers(roles, op)) {
    return ApiFailure{403, "forbidden", "The access token's roles do not allow this operation.",
                      ""};
  }
  return std::string(*common::GetString(*payload, "appid"));
}

std::string TokenErrorJson(const TokenError& e) {
  common::JsonWriter w;
  w->StartObject();
  w.Member("error", e.error);
  w.Member("error_description", e.description);
  w->EndObject();
  return w.str();
}

}  // namespace vc::request_service
