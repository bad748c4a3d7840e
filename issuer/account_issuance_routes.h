// Credentials for accounts (the Casdoor-style API): an application, an admin or
// the user themself asks for a credential for a verified identity record and
// gets the Request Service's deep link, a QR code and the PIN to show — or,
// with {"format": "dc+sd-jwt"}, an OpenID4VCI offer and its tx_code. Routes:
//   POST /api/users/:owner/:name/credential        a new offer (201); 409
//        offer_in_progress while the record's last offer is live, 429
//        offer_limit_reached (Retry-After) past the record's limit (offer_gate.h)
//   GET  /api/users/:owner/:name/credential/:id    how far the wallet got
// Answers are Casdoor's envelope (casdoor_envelope.h); callers as for the other
// /api/users routes (api_auth.h). The callbacks arrive at /api/issuer/callback
// like a session's.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/http/http_server.h"
#include "issuer/api_auth.h"
#include "issuer/identity_service.h"
#include "issuer/issuance.h"
#include "issuer/oid4vci_service.h"

namespace vc::issuer {

// What the records of `owner` are issued (an org's contract); nullopt = none.
using OwnerPlan = std::function<std::optional<IssuancePlan>(const std::string& owner)>;

// `oid4vci` serves {"format": "dc+sd-jwt"} offers (nullptr: refused).
void RegisterAccountIssuanceRoutes(common::HttpServer& server, IdentityService& identities,
                                   const ApiAuthenticator& auth, IssuanceService& issuance,
                                   Oid4vciService* oid4vci, OwnerPlan plan_for);

}  // namespace vc::issuer
