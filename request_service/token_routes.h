// The embedded tenant's OAuth 2.0 surface, shaped like Entra ID's so that MSAL
// (which discovers its endpoints from the authority) and the samples work with
// only their authority changed (spec §1; docs/request-service.md):
//   POST /oauth2/v2.0/token, /{tenantId}/oauth2/v2.0/token   client credentials
//   GET  /{tenantId}/v2.0/.well-known/openid-configuration     discovery
//   GET  /{tenantId}/discovery/v2.0/keys                       {"keys": []}
// Refusals carry Entra's fields: error, error_description ("AADSTS<n>: …"),
// error_codes, timestamp, trace_id, correlation_id (the client's
// client-request-id when it sends one). An unknown tenant is 400
// invalid_tenant (AADSTS90002).
#pragma once

#include <string>

#include "common/base/clock.h"
#include "common/http/http_server.h"
#include "request_service/auth.h"
#include "request_service/routes.h"

namespace vc::request_service {

// `slot` must outlive the server; until slot.tokens is set the endpoints
// answer 503 temporarily_unavailable.
void RegisterTokenRoutes(common::HttpServer& server, const RequestServiceSlot& slot,
                         const common::Clock& clock);

// The OAuth error body for `e` at unix time `now`.
std::string TokenErrorJson(const TokenError& e, const std::string& correlation_id, int64_t now);

}  // namespace vc::request_service
