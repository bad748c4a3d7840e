#include "server/app_issuance.h"

#include <stdexcept>

#include "common/base/base64url.h"
#include "credentials/contract_config.h"
#include "issuer/account_issuance_routes.h"

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

std::optional<issuer::IssuancePlan> Auth0Plan(const common::Config& config,
                                              const std::string& domain) {
  for (const auto& a : config.auth0) {
    if (a.domain != domain) continue;
    issuer::IssuancePlan plan;
    plan.pin_length = a.pin_length;
    plan.client_name = a.domain;
    return WithContract(config, a.contract, plan);
  }
  return std::nullopt;
}

std::optional<issuer::IssuancePlan> OrgPlan(const common::Config& config,
                                            const std::string& org_id) {
  const common::OrgConfig* org = config.FindOrg(org_id);
  if (org == nullptr || !org->issue_credential) return std::nullopt;
  issuer::IssuancePlan plan;
  plan.pin_length = org->pin_length;
  plan.credential_lifetime_seconds = org->credential_lifetime_seconds;
  plan.client_name = org->name;
  return WithContract(config, org->contract, plan);
}

}  // namespace

std::optional<issuer::IssuancePlan> PlanFor(const common::Config& config,
                                            const issuer::Session& s) {
  return s.kind == issuer::SessionKind::kAuth0 ? Auth0Plan(config, s.org_id)
                                               : OrgPlan(config, s.org_id);
}

std::optional<issuer::IssuancePlan> PlanForOwner(const common::Config& config,
                                                 const std::string& owner) {
  if (config.FindOrg(owner) != nullptr) return OrgPlan(config, owner);
  return Auth0Plan(config, owner);
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
  // The secret is raw bytes; the header value must be text.
  issuer::IssuanceOptions options{d.config.public_base_url, d.config.request_service.authority,
                                  common::Base64UrlEncode(*api_key)};
  service_ = std::make_unique<issuer::IssuanceService>(options, *client_, *store_,
                                                       d.intake.sessions(), d.db, d.clock);
  const common::Config& config = d.config;
  const issuer::OrgRegistry& orgs = d.orgs;
  issuer::IssuanceRouteOptions routes;
  routes.plan_for = [&config](const issuer::Session& s) { return PlanFor(config, s); };
  routes.claims_for = [&proofing](const issuer::Session& s) { return VerifiedClaims(proofing, s); };
  routes.org_name_for = [&orgs](const issuer::Session& s) {
    const issuer::Org* org = orgs.Find(s.org_id);
    return org ? org->name : s.org_id;
  };
  hand_off_ = issuer::IssuanceHandOff(d.intake, *service_, routes);
  issuer::RegisterIssuanceRoutes(d.server, d.intake, *service_, routes);
  issuer::RegisterAccountIssuanceRoutes(
      d.server, proofing_wiring.identities(), proofing_wiring.auth(), *service_,
      [&config](const std::string& owner) { return PlanForOwner(config, owner); });
}

}  // namespace vc::server
