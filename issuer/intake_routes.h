// HTTP adapter for the intake: parses requests, calls IntakeService, renders
// JSON (Accept: application/json) or a plain-words HTML page.
#pragma once

#include <string>

#include "common/http/http_message.h"
#include "common/http/http_server.h"
#include "issuer/intake.h"

namespace vc::issuer {

struct IntakeRouteOptions {
  std::string banner;  // shown on every page (e.g. "SANDBOX — not a real identity check")
};

// Registers: GET|POST /:org/ (jumpstart), GET /id-verification and
// /id-verfication (Auth0), POST /proofing/:session/cancel, GET
// /.well-known/jwks.json (the result-signing keys). The proofing pages
// themselves (GET|POST /proofing/:session) are proofing_routes.h.
void RegisterIntakeRoutes(common::HttpServer& server, IntakeService& intake, keys::KeyStore& keys,
                          IntakeRouteOptions options = {});

// True when the client asked for JSON rather than a page.
bool WantsJson(const common::HttpServerRequest& request);

// The response that sends the browser back (303, or Auth0's auto-POST form).
common::HttpServerResponse ReturnResponse(const Return& back);

}  // namespace vc::issuer
