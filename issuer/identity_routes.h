// HTTP adapter for the Casdoor-style API. Every answer is Casdoor's envelope
// {"status":"ok"|"error","msg":…,"data":…} plus a stable "code" on errors,
// with an HTTP status that says the same (401, 403, 404, 409, …). Routes:
//   POST  /api/verify-identification?owner=&name=&provider=
//   GET   /api/users/:owner/:name
//   PATCH /api/users/:owner/:name            {realName, idCardType, idCardNumber}
//   POST  /api/users/:owner/:name/reset-identity   {reason}   (admin)
//   POST  /api/providers/:name/test                          (admin)
//   GET   /api/audit?after=&limit=                           (admin)
// Credential offers for these records: account_issuance_routes.h.
#pragma once

#include "common/http/http_server.h"
#include "issuer/api_auth.h"
#include "issuer/audit_log.h"
#include "issuer/casdoor_envelope.h"
#include "issuer/identity_service.h"

namespace vc::issuer {

void RegisterIdentityRoutes(common::HttpServer& server, IdentityService& identities,
                            const ApiAuthenticator& auth, AuditLog& audit);

}  // namespace vc::issuer
