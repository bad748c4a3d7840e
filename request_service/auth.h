// Bearer-token auth for the embedded Request Service, shaped like Entra ID's
// client-credentials flow (spec §1): the token endpoint issues an HS256 JWT
// {aud: the resource app id, appid, tid, roles, iat, exp} for one resource —
// the Request Service (create APIs) or, as in Entra, the separate Admin API
// (revocation) — carrying only the client's roles that belong to it; the APIs
// accept it and check audience and roles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/base/clock.h"
#include "common/config/config_types.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "request_service/api_error.h"

namespace vc::request_service {

// "Verifiable Credentials Service Request" and "Verifiable Credentials Service
// Admin", Entra's two resource apps: scope "<id>/.default" names one.
inline constexpr const char* kResourceAppId = "3db474b9-6a0c-4840-96ac-1fceb342124f";
inline constexpr const char* kAdminResourceAppId = "6a8b4b39-c021-437c-b060-5a14a3fd65f3";
inline constexpr const char* kRoleCreateAll = "VerifiableCredential.Create.All";
inline constexpr const char* kRoleIssue = "VerifiableCredential.Create.IssueRequest";
inline constexpr const char* kRolePresent = "VerifiableCredential.Create.PresentRequest";
inline constexpr const char* kRoleRevoke = "VerifiableCredential.Credential.Revoke";

// The client vcserver generates when requestService.clients is empty, and the
// key-store secrets behind it (vcctl request-service token reads the same).
inline constexpr const char* kEmbeddedClientId = "vcserver-local";
inline constexpr const char* kEmbeddedClientSecretName = "request-service-client";
inline constexpr const char* kTokenKeySecretName = "request-service-token-key";

enum class Operation { kIssue, kPresent, kRevoke };
enum class Resource { kRequestService, kAdmin };

// A refusal of the token endpoint, in Entra ID's terms: the OAuth 2.0 `error`,
// the AADSTS number Entra gives the same mistake and a description.
struct TokenError {
  int status = 400;
  std::string error;  // invalid_request, invalid_client, invalid_scope, …
  int aadsts = 0;     // error_codes[0]
  std::string description;
};

// The resource a client-credentials `scope` asks for: a space-separated list
// holding exactly one "<resource app id>/.default" beside any of the OpenID
// scopes MSAL adds (openid, profile, offline_access), which are ignored.
// Errors: no .default (invalid_scope 1002012), two resources (invalid_scope
// 28000), an unknown resource (invalid_resource 500011).
std::variant<Resource, TokenError> ParseScope(std::string_view scope);

class TokenService {
 public:
  // `signing_secret` (>= 32 bytes) signs and verifies the access tokens;
  // `public_base_url` names the tenant's OpenID endpoints.
  TokenService(std::vector<common::RequestServiceClient> clients, std::string signing_secret,
               std::string tenant_id, const common::Clock& clock, std::string public_base_url = "",
               int64_t lifetime_seconds = 3600);

  // The token endpoint: form fields grant_type=client_credentials, client_id,
  // client_secret, scope (ParseScope). On success the JSON {access_token,
  // token_type:"Bearer", expires_in, ext_expires_in}; else a TokenError
  // (secrets compared in constant time; unknown client and wrong secret alike
  // give 401 invalid_client).
  std::variant<std::string, TokenError> Issue(const common::QueryParams& form) const;

  // Checks an Authorization header for `op`: 401 unauthorized (no/invalid/
  // expired token, or one for the other resource: innererror tokenError; no
  // roles: invalid_aad_access_token "Provided access token contains no
  // roles."), 403 forbidden when the roles do not cover `op`. Returns the
  // client id.
  ApiResult<std::string> Authorize(std::optional<std::string_view> authorization,
                                   Operation op) const;

  // The client id of a valid access token of this tenant (signature, expiry,
  // audience of either resource), whatever its roles; nullopt otherwise. For
  // keying per-client rate limits on who really calls, not who a token claims.
  std::optional<std::string> VerifiedClient(std::optional<std::string_view> authorization) const;
  // The client_id of a token request whose client_secret is right; nullopt
  // otherwise (the same constant-time comparison as Issue).
  std::optional<std::string> AuthenticatedClient(const common::QueryParams& form) const;

  // A token for `client_id` and `resource` without the HTTP round trip
  // (vcctl, wiring); its roles are the client's roles of that resource.
  std::string Mint(const common::RequestServiceClient& client,
                   Resource resource = Resource::kRequestService) const;

  // {publicBaseUrl}/{tenantId}/v2.0/.well-known/openid-configuration: issuer,
  // token, authorization and end-session endpoints, jwks_uri,
  // tenant_region_scope — what MSAL's authority discovery reads.
  std::string OpenIdConfiguration() const;

  const std::string& tenant_id() const { return tenant_id_; }

 private:
  std::vector<common::RequestServiceClient> clients_;
  common::Jwk key_;
  std::string tenant_id_;
  const common::Clock& clock_;
  std::string public_base_url_;
  int64_t lifetime_;
};

}  // namespace vc::request_service
