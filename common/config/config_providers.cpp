// proofingProviders: a map from name to a typed provider. Only the name and
// the type are read here (org and tenant references need them); each
// provider's options are parsed by its own code (issuer/provider_config.h).
#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

ProofingProviderConfig ParseProvider(const ConfigNode& node, const Context& ctx) {
  node.RequireObject();
  ProofingProviderConfig p;
  std::string type;
  if (!node.String("type", &type)) node.FailAt("type", "is required");
  if (type == "sandbox") {
    p.type = ProviderType::kSandbox;
    if (ctx.production()) node.FailAt("type", "the sandbox provider is not allowed in production");
  } else if (type == "jumio") {
    p.type = ProviderType::kJumio;
  } else if (type == "alibaba") {
    p.type = ProviderType::kAlibaba;
  } else {
    node.FailAt("type", "must be one of sandbox, jumio, alibaba");
  }
  p.node = node;
  return p;
}

}  // namespace

std::map<std::string, ProofingProviderConfig> ParseProviders(const ConfigNode& root,
                                                             const Context& ctx) {
  std::map<std::string, ProofingProviderConfig> providers;
  std::optional<ConfigNode> node = root.Object("proofingProviders");
  if (!node) return providers;
  for (const auto& [name, provider] : node->Members()) {
    if (!IsSafeId(name)) provider.Fail("provider names use only letters, digits, '.', '_' and '-'");
    providers.emplace(name, ParseProvider(provider, ctx));
  }
  return providers;
}

}  // namespace vc::common::config_internal
