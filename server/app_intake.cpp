#include "server/app_intake.h"

#include <utility>
#include <vector>

#include "issuer/intake_routes.h"

namespace vc::server {

IntakeWiring::IntakeWiring(const AppDeps& d, const issuer::OrgRegistry& orgs,
                           keys::RpKeyRegistry& rp_keys) {
  jumpstart_ = std::make_unique<issuer::JumpstartVerifier>(orgs, rp_keys, d.clock);
  std::vector<issuer::Auth0Tenant> tenants;
  for (const auto& a : d.config.auth0) {
    tenants.push_back({a.domain, a.token_secret, a.proofing, a.max_token_lifetime_seconds});
  }
  auth0_ = std::make_unique<issuer::Auth0Intake>(std::move(tenants), d.clock);
  sessions_ = std::make_unique<issuer::SessionStore>(d.db, d.clock);
  intake_ = std::make_unique<issuer::IntakeService>(
      issuer::IntakeOptions{d.config.public_base_url, 3600, 300}, orgs, *jumpstart_, *auth0_,
      *sessions_, d.keys, d.clock);
  issuer::IntakeRouteOptions route_options;
  issuer::RegisterIntakeRoutes(d.server, *intake_, d.keys, route_options);
}

}  // namespace vc::server
