// The OpenID4VCI endpoints over HTTP (blocking routes: each answer waits for
// its commit). Paths are relative to publicBaseUrl, the credential issuer
// identifier; see oid4vci_metadata.h for the metadata documents:
//   GET  /.well-known/openid-credential-issuer, /.well-known/oauth-authorization-server,
//        /.well-known/jwt-vc-issuer, /oid4vci/types/{contractId}
//   GET  /oid4vci/offers/{id}            the credential offer (credential_offer_uri)
//   POST /oid4vci/token                  form; the pre-authorized code grant
//   POST /oid4vci/nonce                  a fresh c_nonce
//   POST /oid4vci/credential             JSON + Authorization: Bearer
//   GET  /oid4vci/status-lists/{id}      application/statuslist+jwt
#pragma once

#include "common/http/http_server.h"
#include "issuer/oid4vci_service.h"

namespace vc::issuer {

void RegisterOid4vciRoutes(common::HttpServer& server, Oid4vciService& service);

}  // namespace vc::issuer
