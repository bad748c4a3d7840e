// HTTP adapters for the OpenID4VP endpoints a wallet calls (oid4vp_service.h):
//   GET  /oid4vp/requests/{state}  the signed request object (request_uri)
//   POST /oid4vp/response          the authorization response (response_uri,
//                                  application/x-www-form-urlencoded)
//   GET  /oid4vp/did.json          the verifier's did:web document
// No API key: a wallet knows only what the request object told it.
#pragma once

#include "common/http/http_server.h"
#include "verifier/oid4vp_service.h"

namespace vc::verifier {

// `service` is read at call time through the pointer, so the routes can be
// registered before it exists; until then they answer 503.
void RegisterOid4vpRoutes(common::HttpServer& server, Oid4vpService* const& service);

}  // namespace vc::verifier
