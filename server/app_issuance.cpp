#include "server/app_issuance.h"

#include <set>
#include <stdexcept>

#include "common/base/base64url.h"
#include "credentials/contract_config.h"
#include "issuer/account_issuance_routes.h"
#include "issuer/oid4vci_routes.h"

namespace vc::server {
namespace {

// The verified identity record of a session, as claims.
common::Result<std::map<std::string, std::string>> VerifiedClaims(issuer::ProofingService& proofing,
                                                                  const issuer::Session& s) {
  const auto [owner, name] = issuer::RecordKeyFor(s);
  auto record = proofing.VerifiedRecord(owner, name);
  if (!record) return record.error();
  if (!*record) {
    return common::Error{"not_verified", "the identity record of this session is not verified"};
  }
  return issuer::AvailableClaims(**record);
}

std::optional<issuer::IssuancePlan> WithContract(const common::Config& config,
                                                 const std::string& contract,
                                                 issuer::IssuancePlan plan) {
  const common::ContractConfig* c = contract.empty() ? nullptr : config.FindContract(contract);
  if (c == nullptr) return std::nullopt;
  plan.contract = credentials::ParseContract(*c);
  return plan;
}

// The OpenID4VCI issuer: signs with the authority key (keys::kAuthorityKeyPurpose)
// under publicBaseUrl, its credential issuer identifier.
std::unique_ptr<issuer::Oid4vciService> MakeOid4vci(const ProofingDeps& d,
                                                    issuer::Oid4vciStore& store) {
  issuer::Oid4vciOptions o;
  o.credential_issuer = d.config.public_base_url;
  o.alg = common::ParseAlg(d.config.request_service.signing_alg).value_or(common::JwsAlg::kES256);
  // The wallet has its credential: the record may get another offer.
  o.on_issued = [](common::Connection& c, const std::string& subject) {
    return issuer::OfferGate::ReleaseAny(c, subject);
  };
  return std::make_unique<issuer::Oid4vciService>(o, credentials::ParseContracts(d.config), store,
                                                  d.keys, d.clock);
}

}  // namespace

IssuancePlans::IssuancePlans(const common::Config& config) {
  std::set<std::string> domains;
  for (const auto& a : config.auth0) {
    if (!domains.insert(a.domain).second) continue;  // the first tenant of a domain decides
    issuer::IssuancePlan plan;
    plan.pin_length = a.pin_length;
    plan.client_name = a.domain;
    if (auto p = WithContract(config, a.contract, plan)) auth0_.emplace(a.domain, *p);
  }
  for (const auto& org : config.orgs) {
    org_ids_.insert(org.id);
    if (!org.issue_credential) continue;
    issuer::IssuancePlan plan;
    plan.pin_length = org.pin_length;
    plan.credential_lifetime_seconds = org.credential_lifetime_seconds;
    plan.client_name = org.name;
    if (auto p = WithContract(config, org.contract, plan)) orgs_.emplace(org.id, *p);
  }
}

std::optional<issuer::IssuancePlan> IssuancePlans::Find(
    const std::map<std::string, issuer::IssuancePlan>& plans, const std::string& key) {
  auto it = plans.find(key);
  if (it == plans.end()) return std::nullopt;
  return it->second;
}

std::optional<issuer::IssuancePlan> IssuancePlans::ForSession(const issuer::Session& s) const {
  return Find(s.kind == issuer::SessionKind::kAuth0 ? auth0_ : orgs_, s.org_id);
}

std::optional<issuer::IssuancePlan> IssuancePlans::ForOwner(const std::string& owner) const {
  return Find(org_ids_.count(owner) ? orgs_ : auth0_, owner);
}

IssuanceWiring::IssuanceWiring(const ProofingDeps& d, ProofingWiring& proofing_wiring) {
  issuer::ProofingService& proofing = proofing_wiring.service();
  common::Status st = issuer::IssuanceStore::Migrate(d.db);
  if (!st) throw std::runtime_error("database migration: " + st.error().message);
  auto api_key = d.keys.SecretOrCreate("issuer-callback-api-key");
  if (!api_key) throw std::runtime_error("issuer callback key: " + api_key.error().message);
  client_ = std::make_unique<credentials::RequestServiceClient>(
      credentials::RequestServiceClientOptions::FromConfig(d.config.request_service), d.http,
      d.clock);
  store_ = std::make_unique<issuer::IssuanceStore>(d.db, d.clock);
  st = issuer::Oid4vciStore::Migrate(d.db);
  if (!st) throw std::runtime_error("database migration: " + st.error().message);
  oid4vci_store_ = std::make_unique<issuer::Oid4vciStore>(d.db, d.clock);
  oid4vci_ = MakeOid4vci(d, *oid4vci_store_);
  issuer::RegisterOid4vciRoutes(d.server, *oid4vci_);
  // The secret is raw bytes; the header value must be text.
  issuer::IssuanceOptions options{d.config.public_base_url, d.config.request_service.authority,
                                  common::Base64UrlEncode(*api_key)};
  issuer::OfferLimits limits;
  limits.max_offers_per_record = d.config.issuance.max_offers_per_record;
  limits.window_seconds = d.config.issuance.offer_window_seconds;
  gate_ = std::make_unique<issuer::OfferGate>(d.db, d.clock, limits);
  service_ = std::make_unique<issuer::IssuanceService>(
      options, *client_, *store_, d.intake.sessions(), d.db, d.clock, gate_.get());
  plans_ = std::make_unique<IssuancePlans>(d.config);
  const IssuancePlans& plans = *plans_;
  const issuer::OrgRegistry& orgs = d.orgs;
  issuer::IssuanceRouteOptions routes;
  routes.plan_for = [&plans](const issuer::Session& s) { return plans.ForSession(s); };
  routes.claims_for = [&proofing](const issuer::Session& s) { return VerifiedClaims(proofing, s); };
  routes.org_name_for = [&orgs](const issuer::Session& s) {
    return ProofingWiring::OrgNameFor(orgs, s);
  };
  routes.banner_for = [&proofing_wiring](const issuer::Session& s) {
    return proofing_wiring.BannerFor(s);
  };
  routes.oid4vci = oid4vci_.get();
  hand_off_ = issuer::IssuanceHandOff(d.intake, *service_, routes);
  issuer::RegisterIssuanceRoutes(d.server, d.intake, *service_, routes);
  issuer::RegisterAccountIssuanceRoutes(
      d.server, proofing_wiring.identities(), proofing_wiring.auth(), *service_, oid4vci_.get(),
      [&plans](const std::string& owner) { return plans.ForOwner(owner); });
}

}  // namespace vc::server
