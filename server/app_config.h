// The configuration check vcserver runs before it creates anything: common/
// has parsed the cross-cutting fields (common/config/config.h); here each
// component parses the sections it owns from their config nodes — the proofing
// providers' options (issuer/provider_config.h), the contracts
// (credentials/contract_config.h) and, with the verifier role,
// the presentation policies (verifier/policy.h). The wiring parses them again
// from the same nodes when it builds the components.
#pragma once

#include "common/config/config.h"

namespace vc::server {

// Throws common::ConfigError naming the JSON path of the first mistake, e.g.
// "proofingProviders.jumio.clientId: is required".
void CheckComponentConfig(const common::Config& config);

}  // namespace vc::server
