// The issuance part of the vcserver wiring: the Request Service client (the
// embedded service or Entra, from requestService), the issuance service, its
// routes and the proofing hand-off that leads to them. Apart from app.cpp so
// each component's wiring merges alone.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/base/clock.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/store.h"
#include "credentials/request_service_client.h"
#include "issuer/intake.h"
#include "issuer/issuance_routes.h"
#include "issuer/offer_gate.h"
#include "issuer/oid4vci_service.h"
#include "issuer/orgs.h"
#include "issuer/proofing_service.h"
#include "keys/key_store.h"
#include "server/app_proofing.h"

namespace vc::server {

// Every org's and Auth0 tenant's issuance plan, with its contract parsed once
// at startup (the configuration does not change while serving).
class IssuancePlans {
 public:
  explicit IssuancePlans(const common::Config& config);

  // The plan for a session: the org's contract (unless the org has
  // issueCredential false) or the Auth0 tenant's contract (when it names one).
  std::optional<issuer::IssuancePlan> ForSession(const issuer::Session& session) const;
  // The plan for an account's records (the Casdoor-style API): the org whose id
  // is `owner`, else the Auth0 tenant whose domain it is.
  std::optional<issuer::IssuancePlan> ForOwner(const std::string& owner) const;

 private:
  static std::optional<issuer::IssuancePlan> Find(
      const std::map<std::string, issuer::IssuancePlan>& plans, const std::string& key);
  std::map<std::string, issuer::IssuancePlan> orgs_;   // by org id
  std::map<std::string, issuer::IssuancePlan> auth0_;  // by tenant domain
  std::set<std::string> org_ids_;                      // every org, with a plan or not
};

class IssuanceWiring {
 public:
  // Registers the routes (before the server starts). Throws std::runtime_error
  // when the database or the callback secret cannot be set up.
  // Takes the proofing wiring's dependencies, the identity records proofing keeps
  // and its API callers (for the account routes).
  IssuanceWiring(const ProofingDeps& deps, ProofingWiring& proofing);

  // What the proofing routes call once a user continues after a verdict.
  const issuer::ProofingHandOff& hand_off() const { return hand_off_; }
  // True when a verified session goes on to a credential (the verdict page says so).
  bool IssuesCredential(const issuer::Session& s) const {
    return plans_->ForSession(s).has_value();
  }

 private:
  std::unique_ptr<credentials::RequestServiceClient> client_;
  std::unique_ptr<issuer::IssuanceStore> store_;
  std::unique_ptr<issuer::OfferGate> gate_;  // one live offer per record (issue 21)
  std::unique_ptr<issuer::IssuanceService> service_;
  std::unique_ptr<IssuancePlans> plans_;
  // OpenID4VCI (docs/openid4vci.md): offers of contracts that list dc+sd-jwt.
  std::unique_ptr<issuer::Oid4vciStore> oid4vci_store_;
  std::unique_ptr<issuer::Oid4vciService> oid4vci_;
  issuer::ProofingHandOff hand_off_;
};

}  // namespace vc::server
