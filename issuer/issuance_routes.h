// HTTP adapter for the issuance step. Routes:
//   GET  /issuance/:session            the QR / deep-link page (cookie required)
//   GET  /issuance/:session/qr.png     the current code as a PNG
//   POST /issuance/:session/new        a fresh code (none yet, expired or failed)
//   POST /issuance/:session/continue   after issuance_successful: back to the RP ("issued")
//   POST /issuance/:session/skip       back to the RP without a credential ("verified")
//   GET  /api/issuer/request-status?id=  what the page polls (the session's cookie required)
//   GET  /api/issuer/offer-status?id=    the same for the session's OpenID4VCI offer
//   POST /api/issuer/callback          the Request Service's callbacks (api-key header)
// Every route that issues or returns checks that proofing verified the session.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/http/http_server.h"
#include "issuer/intake.h"
#include "issuer/issuance.h"
#include "issuer/oid4vci_service.h"
#include "issuer/proofing_routes.h"

namespace vc::issuer {

struct IssuanceRouteOptions {
  std::string banner;  // shown on every page ("" = none)
  // What the session's org or Auth0 tenant issues; nullopt = no credential.
  std::function<std::optional<IssuancePlan>(const Session&)> plan_for;
  // The claims of the session's identity record (AvailableClaims); error
  // "not_verified" unless proofing verified it.
  std::function<common::Result<std::map<std::string, std::string>>(const Session&)> claims_for;
  std::function<std::string(const Session&)> org_name_for;  // for buttons ("Continue to …")
  // Offers the contracts that list dc+sd-jwt over OpenID4VCI beside the Entra
  // code (null: the Entra path only). Whichever the wallet completes wins.
  Oid4vciService* oid4vci = nullptr;
  // The banner of a session's pages (SANDBOX for sandbox proofing); unset: `banner`.
  std::function<std::string(const Session&)> banner_for;
};

void RegisterIssuanceRoutes(common::HttpServer& server, IntakeService& intake,
                            IssuanceService& issuance, IssuanceRouteOptions options);

// The proofing hand-off with issuance: a verified session whose org issues a
// credential gets a request created and goes to /issuance/{session}; anything
// else ends as FinishSessionHandOff does.
ProofingHandOff IssuanceHandOff(IntakeService& intake, IssuanceService& issuance,
                                IssuanceRouteOptions options);

}  // namespace vc::issuer
