// HTTP adapter for the proofing journey. Routes:
//   GET  /proofing/:session            form, "being processed" or verdict page
//   POST /proofing/:session            submit realName, idCardType, idCardNumber
//   GET  /proofing/:session/return     where providers send the browser back
//   POST /proofing/:session/continue   after a verdict: the hand-off (to the RP)
//   POST /callbacks/:provider          provider callbacks (Jumio, sandbox)
//   GET|POST /sandbox-provider/:ref    the sandbox's hosted page (sandbox only)
// Every page of a session whose provider is a sandbox carries the SANDBOX banner.
// With "Accept: application/json" the session routes answer JSON instead.
#pragma once

#include <functional>
#include <string>

#include "common/http/http_message.h"
#include "common/http/http_server.h"
#include "issuer/intake.h"
#include "issuer/proofing_service.h"
#include "issuer/sandbox_provider.h"

namespace vc::issuer {

// What happens once proofing ended and the user continues: today the session
// ends and the browser returns to the RP; issuance plugs in here later.
using ProofingHandOff =
    std::function<common::HttpServerResponse(const Session& session, bool verified)>;

// Ends the session as verified/failed and sends the browser back (ReturnResponse).
ProofingHandOff FinishSessionHandOff(IntakeService& intake);

struct ProofingRouteOptions {
  std::string public_base_url;
  std::string banner;  // extra banner text for every page ("" = none)
  // The configured provider name for a session (org or Auth0 tenant setting).
  std::function<std::string(const Session&)> provider_for;
  ProofingHandOff hand_off;  // default: FinishSessionHandOff
  // The RP's display name for a session ("" or unset: the org id).
  std::function<std::string(const Session&)> org_name_for;
  // True when a verified session continues to a credential (the button says so).
  std::function<bool(const Session&)> issues_credential;
};

// `sandbox` may be null (no sandbox configured: no hosted page routes).
void RegisterProofingRoutes(common::HttpServer& server, IntakeService& intake,
                            ProofingService& proofing, SandboxProvider* sandbox,
                            ProofingRouteOptions options);

}  // namespace vc::issuer
