// HTTP adapters for the embedded Request Service: each handler parses the
// request into what RequestService / TokenService take and writes the answer;
// failures become the Entra error envelope (spec §4). See service.h for paths.
// Admin revocation (bearer token with role VerifiableCredential.Credential.Revoke):
//   POST /v1.0/verifiableCredentials/credentials/{id}/revoke                 -> 204
//   POST /v1.0/verifiableCredentials/contracts/{cid}/credentials/revoke
//        {"claimValue": "…"}  (by the contract's indexed claim)              -> 204
#pragma once

#include "common/clock.h"
#include "common/http_server.h"
#include "request_service/auth.h"
#include "request_service/service.h"

namespace vc::request_service {

void RegisterRequestServiceRoutes(common::HttpServer& server, RequestService& service, TokenService& tokens,
                                  const common::Clock& clock);

}  // namespace vc::request_service
