#include "server/app_config.h"

#include "credentials/contract_config.h"
#include "issuer/provider_config.h"
#include "verifier/policy.h"

namespace vc::server {

void CheckComponentConfig(const common::Config& config) {
  issuer::CheckProviderOptions(config);
  (void)credentials::ParseContracts(config);
  // Policies are only read by the verifier role, as they were before this check.
  if (config.HasRole(common::Role::kVerifier)) {
    (void)verifier::LoadPolicies(config.verifier,
                                 config.environment == common::Environment::kProduction);
  }
}

}  // namespace vc::server
