// The proofing providers' own options, parsed from their config node
// ("proofingProviders.<name>", common/config/config_types.h) beside the code
// they configure. Errors are common::ConfigError naming the JSON path, e.g.
// "proofingProviders.jumio.clientId: is required". Keys a provider does not
// know are ignored (provider objects keep fields added later).
#pragma once

#include "common/config/config.h"
#include "common/config/config_node.h"
#include "issuer/alibaba_provider.h"
#include "issuer/jumio_provider.h"

namespace vc::issuer {

// Jumio: "region", "baseUrl" (an http(s) URL), "clientId" and "clientSecret"
// (required; the secret inline, "env:" or "file:"), "workflowKey" (1..2^31-1),
// "callbackSecret" (absent: callback_secret stays empty and the server
// generates one), "callbackIps" (an array of source addresses; empty = any)
// and "warningPolicy" ("review", the default, or "reject").
JumioOptions ParseJumioOptions(const common::ConfigNode& node, const common::ConfigContext& ctx);

// Alibaba Cloud: "endpoint" (an http(s) URL), "accessKeyId" and
// "accessKeySecret" (required), "signatureVersion" ("v3", the default, or "v1").
AlibabaOptions ParseAlibabaOptions(const common::ConfigNode& node,
                                   const common::ConfigContext& ctx);

// Parses every configured provider's options and throws the first ConfigError,
// so that vcserver refuses a mistake at startup, before it listens.
void CheckProviderOptions(const common::Config& config);

}  // namespace vc::issuer
