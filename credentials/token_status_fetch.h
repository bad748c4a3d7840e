// Reading the status of a Referenced Token (an SD-JWT VC) from its issuer's
// Token Status List (draft-ietf-oauth-status-list §8): the token's
// "status": {"status_list": {"idx", "uri"}}, the Status List Token fetched
// from uri and verified with the issuer's key (token_status_list.h), the
// value at idx. The verifier uses it for OpenID4VP presentations.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/http/http_client.h"
#include "credentials/sd_jwt_vc_issuer.h"

namespace vc::credentials {

struct StatusReference {
  uint64_t idx = 0;
  std::string uri;
};

// The token's status_list reference; nullopt when the payload has no "status"
// claim. Error "invalid_status_claim" when it has one of another shape (idx not
// a non-negative integer, uri not a string).
common::Result<std::optional<StatusReference>> ReadStatusReference(const rapidjson::Value& payload);

class TokenStatusFetcher {
 public:
  TokenStatusFetcher(common::HttpClient& http, SdJwtIssuerKeys& keys, const common::Clock& clock)
      : http_(http), keys_(keys), clock_(clock) {}

  // The status value (0 VALID, 1 INVALID, 2 SUSPENDED, …) at ref.idx of the list
  // the credential of `issuer` points to. The Status List Token is fetched every
  // time (no cache: a revocation is seen at once), must be signed by a key of
  // `issuer` (SdJwtIssuerKeys, the token's kid), name `issuer` as iss when it
  // has one, and have sub = ref.uri. Error "status_unavailable" saying why (not
  // reachable, not 200, does not verify, idx outside the list).
  common::Result<uint8_t> Status(const std::string& issuer, const StatusReference& ref);

 private:
  common::HttpClient& http_;
  SdJwtIssuerKeys& keys_;
  const common::Clock& clock_;
};

}  // namespace vc::credentials
