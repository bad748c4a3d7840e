// HTTP adapters for the verifier (DESIGN.md §4):
//   POST /api/verifier/presentation-requests      API key (Bearer); {"policy": id | object}
//        -> 201 {id, url, expiry, qr (PNG data URI)}
//   GET  /api/verifier/presentation-requests/{id} API key of the same org (admin: any)
//   POST /api/verifier/callback                   the Request Service's callbacks (api-key)
//   GET  /verifier                                the demo page (only with `demo`)
//   POST /verifier/demo/requests, GET /verifier/demo/requests/{id}
//        what the demo page calls: the same as the API without a key, for requests
//        of the demo org only; registered only with `demo` (environment development).
// API errors are {"error", "message"} plus "field" (the JSON path) for invalid input.
#pragma once

#include "common/config/api_keys.h"
#include "common/http/http_server.h"
#include "verifier/service.h"

namespace vc::verifier {

inline constexpr const char* kDemoOrg = "verifier-demo";

struct VerifierRouteOptions {
  bool demo = false;   // register the demo page and its two unauthenticated routes
  std::string banner;  // shown on the demo page (e.g. "DEVELOPMENT")
};

// `service` is read at call time through the pointer, so routes can be registered
// before the service exists (it is built once the server is bound); until then
// the routes answer 503.
void RegisterVerifierRoutes(common::HttpServer& server, VerifierService* const& service,
                            const common::ApiKeyVerifier& keys,
                            const VerifierRouteOptions& options);

}  // namespace vc::verifier
