// Bearer-token auth for the embedded Request Service, shaped like Entra ID's
// client-credentials flow (spec §1): POST /oauth2/v2.0/token issues an HS256
// JWT {aud: the resource app id, appid, tid, roles, iat, exp}; the create APIs
// accept it and check the roles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/clock.h"
#include "common/config/config_types.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "request_service/api_error.h"

namespace vc::request_service {

inline constexpr const char* kResourceAppId = "3db474b9-6a0c-4840-96ac-1fceb342124f";
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

struct TokenError {
  int status = 400;
  std::string
      error;  // OAuth 2.0 error code: invalid_request, invalid_client, unsupported_grant_type
  std::string description;
};

class TokenService {
 public:
  // `signing_secret` (>= 32 bytes) signs and verifies the access tokens.
  TokenService(std::vector<common::RequestServiceClient> clients, std::string signing_secret,
               std::string tenant_id, const common::Clock& clock, int64_t lifetime_seconds = 3600);

  // The token endpoint: form fields grant_type=client_credentials, client_id,
  // client_secret, scope (must be "<resource>/.default"). On success the JSON
  // {access_token, token_type:"Bearer", expires_in}; else a TokenError
  // (secrets compared in constant time; unknown client and wrong secret alike
  // give 401 invalid_client).
  std::variant<std::string, TokenError> Issue(const common::QueryParams& form) const;

  // Checks an Authorization header for `op`: 401 unauthorized (no/invalid/
  // expired token: innererror tokenError; no roles: invalid_aad_access_token
  // "Provided access token contains no roles."), 403 forbidden when the roles
  // do not cover `op`. Returns the client id.
  ApiResult<std::string> Authorize(std::optional<std::string_view> authorization,
                                   Operation op) const;

  // A token for `client_id` without the HTTP round trip (vcctl, wiring).
  std::string Mint(const common::RequestServiceClient& client) const;

 private:
  std::vector<common::RequestServiceClient> clients_;
  common::Jwk key_;
  std::string tenant_id_;
  const common::Clock& clock_;
  int64_t lifetime_;
};

// The OAuth error JSON {"error", "error_description"}.
std::string TokenErrorJson(const TokenError& e);

}  // namespace vc::request_service
