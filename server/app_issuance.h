// The issuance part of the vcserver wiring: the Request Service client (the
// embedded service or Entra, from requestService), the issuance service, its
// routes and the proofing hand-off that leads to them. Apart from app.cpp so
// each component's wiring merges alone.
#pragma once

#include <memory>

#include "common/base/clock.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/store.h"
#include "credentials/request_service_client.h"
#include "issuer/intake.h"
#include "issuer/issuance_routes.h"
#include "issuer/orgs.h"
#include "issuer/proofing_service.h"
#include "keys/key_store.h"
#include "server/app_proofing.h"

namespace vc::server {

class IssuanceWiring {
 public:
  // Registers the routes (before the server starts). Throws std::runtime_error
  // when the database or the callback secret cannot be set up.
  // Takes the proofing wiring's dependencies, the identity records proofing keeps
  // and its API callers (for the account routes).
  IssuanceWiring(const ProofingDeps& deps, ProofingWiring& proofing);

  // What the proofing routes call once a user continues after a verdict.
  const issuer::ProofingHandOff& hand_off() const { return hand_off_; }

 private:
  std::unique_ptr<credentials::RequestServiceClient> client_;
  std::unique_ptr<issuer::IssuanceStore> store_;
  std::unique_ptr<issuer::IssuanceService> service_;
  issuer::ProofingHandOff hand_off_;
};

// The plan for a session from config: the org's contract (unless the org has
// issueCredential false) or the Auth0 tenant's contract (when it names one).
std::optional<issuer::IssuancePlan> PlanFor(const common::Config& config,
                                            const issuer::Session& session);

// The plan for an account's records (the Casdoor-style API): the org whose id is
// `owner`, else the Auth0 tenant whose domain it is.
std::optional<issuer::IssuancePlan> PlanForOwner(const common::Config& config,
                                                 const std::string& owner);

}  // namespace vc::server
