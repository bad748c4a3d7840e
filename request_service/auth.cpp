#include "request_service/auth.h"

#include <algorithm>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/jose/jws.h"
#include "common/jose/jwt.h"

namespace vc::request_service {

namespace {

constexpr const char* kRequestServiceRoles[] = {kRoleCreateAll, kRoleIssue, kRolePresent};
constexpr const char* kAdminRoles[] = {kRoleRevoke};

const char* AppId(Resource r) {
  return r == Resource::kAdmin ? kAdminResourceAppId : kResourceAppId;
}

bool BelongsTo(const std::string& role, Resource r) {
  auto has = [&](const auto& roles) {
    return std::any_of(std::begin(roles), std::end(roles),
                       [&](const char* x) { return role == x; });
  };
  return r == Resource::kAdmin ? has(kAdminRoles) : has(kRequestServiceRoles);
}

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

TokenError MissingParameter(const char* name) {
  return TokenError{
      400, "invalid_request", 900144,
      std::string("The request body must contain the following parameter: '") + name + "'."};
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const size_t start = s.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    s.remove_prefix(start);
    const size_t end = s.find_first_of(" \t");
    out.push_back(s.substr(0, end));
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  return out;
}

}  // namespace

std::variant<Resource, TokenError> ParseScope(std::string_view scope) {
  std::vector<std::string_view> resources;
  for (std::string_view item : SplitSpaces(scope)) {
    if (item == "openid" || item == "profile" || item == "offline_access") continue;
    resources.push_back(item);
  }
  if (resources.empty() || !resources.front().ends_with("/.default")) {
    return TokenError{400, "invalid_scope", 1002012,
                      "The provided value for scope is not valid. Client credential flows must "
                      "have a scope value with /.default suffixed to the resource identifier "
                      "(application ID URI)."};
  }
  if (resources.size() > 1) {
    return TokenError{400, "invalid_scope", 28000,
                      "Provided value for the input parameter scope is not valid because it "
                      "contains more than one resource."};
  }
  const std::string_view app = resources.front().substr(0, resources.front().size() - 9);
  if (app == kResourceAppId) return Resource::kRequestService;
  if (app == kAdminResourceAppId) return Resource::kAdmin;
  return TokenError{400, "invalid_resource", 500011,
                    std::string("The resource principal named in scope was not found in the "
                                "tenant. Known resources: ") +
                        kResourceAppId + " (Request Service), " + kAdminResourceAppId +
                        " (Admin API)."};
}

TokenService::TokenService(std::vector<common::RequestServiceClient> clients,
                           std::string signing_secret, std::string tenant_id,
                           const common::Clock& clock, std::string public_base_url,
                           int64_t lifetime_seconds)
    : clients_(std::move(clients)),
      key_(common::Jwk::FromSecret(std::move(signing_secret))),
      tenant_id_(std::move(tenant_id)),
      clock_(clock),
      public_base_url_(std::move(public_base_url)),
      lifetime_(lifetime_seconds) {}

std::string TokenService::Mint(const common::RequestServiceClient& client,
                               Resource resource) const {
  const int64_t now = clock_.NowSeconds();
  common::JsonWriter w;
  w->StartObject();
  w.Member("aud", AppId(resource));
  w.Member("iss", "vcservice:request-service:" + tenant_id_);
  w.Member("appid", client.client_id);
  w.Member("tid", tenant_id_);
  // Entra leaves `roles` out when the app holds none of the resource's.
  std::vector<std::string> roles;
  for (const auto& r : client.roles) {
    if (BelongsTo(r, resource)) roles.push_back(r);
  }
  if (!roles.empty()) {
    w->Key("roles");
    w->StartArray();
    for (const auto& r : roles) w->String(r);
    w->EndArray();
  }
  w.Member("iat", now);
  w.Member("exp", now + lifetime_);
  w->EndObject();
  return common::SignCompact(key_, common::JwsAlg::kHS256, w.str(), {"JWT", "", ""}).value();
}

std::variant<std::string, TokenError> TokenService::Issue(const common::QueryParams& form) const {
  for (const char* name : {"grant_type", "client_id", "scope"}) {
    if (form.Get(name).value_or("").empty()) return MissingParameter(name);
  }
  if (form.Get("grant_type") != "client_credentials") {
    return TokenError{400, "unsupported_grant_type", 70003,
                      "The app requested an unsupported grant type: this tenant issues tokens "
                      "by client_credentials only."};
  }
  auto resource = ParseScope(form.Get("scope").value_or(""));
  if (auto* e = std::get_if<TokenError>(&resource)) return *e;
  const auto id = form.Get("client_id").value_or("");
  const auto secret = form.Get("client_secret").value_or("");
  for (const auto& c : clients_) {
    if (c.client_id != id) continue;
    if (!common::ConstantTimeEquals(c.client_secret, secret)) break;
    common::JsonWriter w;
    w->StartObject();
    w.Member("token_type", "Bearer");
    w.Member("expires_in", lifetime_);
    w.Member("ext_expires_in", lifetime_);
    w.Member("access_token", Mint(c, std::get<Resource>(resource)));
    w->EndObject();
    return w.str();
  }
  return TokenError{401, "invalid_client", 7000215,
                    "Invalid client secret provided, or no such client: the client_id and "
                    "client_secret must name a client of requestService.clients."};
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
  const Resource needed = op == Operation::kRevoke ? Resource::kAdmin : Resource::kRequestService;
  if (common::GetString(*payload, "aud").value_or("") != AppId(needed) ||
      common::GetString(*payload, "tid").value_or("") != tenant_id_) {
    return Unauthorized("tokenError", std::string("The access token is for another resource or "
                                                  "tenant; this API needs a token for scope ") +
                                          AppId(needed) + "/.default.");
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

std::optional<std::string> TokenService::VerifiedClient(
    std::optional<std::string_view> authorization) const {
  if (!authorization || !authorization->starts_with("Bearer ")) return std::nullopt;
  auto token = common::VerifyCompact(authorization->substr(7), key_, {common::JwsAlg::kHS256});
  if (!token) return std::nullopt;
  auto payload = common::ParseJsonObject(token->payload);
  if (!payload) return std::nullopt;
  common::ClaimPolicy policy{clock_.NowSeconds(), 60, true, {"appid", "tid"}, std::nullopt};
  if (!common::CheckClaims(*payload, policy) ||
      common::GetString(*payload, "tid").value_or("") != tenant_id_) {
    return std::nullopt;
  }
  auto appid = common::GetString(*payload, "appid");
  if (!appid || appid->empty()) return std::nullopt;
  return std::string(*appid);
}

std::optional<std::string> TokenService::AuthenticatedClient(
    const common::QueryParams& form) const {
  const auto id = form.Get("client_id").value_or("");
  const auto secret = form.Get("client_secret").value_or("");
  for (const auto& c : clients_) {
    if (c.client_id == id && common::ConstantTimeEquals(c.client_secret, secret)) {
      return c.client_id;
    }
  }
  return std::nullopt;
}

std::string TokenService::OpenIdConfiguration() const {
  const std::string tenant = public_base_url_ + "/" + tenant_id_;
  common::JsonWriter w;
  w->StartObject();
  w.Member("issuer", tenant + "/v2.0");
  w.Member("token_endpoint", tenant + "/oauth2/v2.0/token");
  w.Member("authorization_endpoint", tenant + "/oauth2/v2.0/authorize");
  w.Member("end_session_endpoint", tenant + "/oauth2/v2.0/logout");
  w.Member("jwks_uri", tenant + "/discovery/v2.0/keys");
  w->Key("token_endpoint_auth_methods_supported");
  w->StartArray();
  w->String("client_secret_post");
  w->EndArray();
  w->Key("grant_types_supported");
  w->StartArray();
  w->String("client_credentials");
  w->EndArray();
  w->Key("response_types_supported");
  w->StartArray();
  w->EndArray();
  w.Member("tenant_region_scope", "WW");
  w.Member("cloud_instance_name", "vcservice");
  w->EndObject();
  return w.str();
}

}  // namespace vc::request_service
