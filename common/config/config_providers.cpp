// proofingProviders: a map from name to a typed provider. Unknown fields are
// allowed here and kept in `raw`, since each provider grows its own options.
#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

void ParseJumio(const ConfigNode& node, const Context& ctx, ProofingProviderConfig& p) {
  node.NonEmptyString("region", &p.region);
  if (node.NonEmptyString("baseUrl", &p.base_url)) CheckUrl(node, "baseUrl", p.base_url, false);
  if (!node.NonEmptyString("clientId", &p.client_id)) node.FailAt("clientId", "is required");
  if (!node.Secret("clientSecret", ctx, &p.client_secret)) {
    node.FailAt("clientSecret", "is required");
  }
  node.Int("workflowKey", 1, INT32_MAX, &p.workflow_key);
  node.Secret("callbackSecret", ctx, &p.callback_secret);
}

void ParseAlibaba(const ConfigNode& node, const Context& ctx, ProofingProviderConfig& p) {
  if (node.NonEmptyString("endpoint", &p.endpoint)) CheckUrl(node, "endpoint", p.endpoint, false);
  if (!node.NonEmptyString("accessKeyId", &p.access_key_id)) {
    node.FailAt("accessKeyId", "is required");
  }
  if (!node.Secret("accessKeySecret", ctx, &p.access_key_secret)) {
    node.FailAt("accessKeySecret", "is required");
  }
  if (node.String("signatureVersion", &p.signature_version) && p.signature_version != "v3" &&
      p.signature_version != "v1") {
    node.FailAt("signatureVersion", "must be one of v3, v1");
  }
}

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
    ParseJumio(node, ctx, p);
  } else if (type == "alibaba") {
    p.type = ProviderType::kAlibaba;
    ParseAlibaba(node, ctx, p);
  } else {
    node.FailAt("type", "must be one of sandbox, jumio, alibaba");
  }
  p.raw = node.Raw();
  return p;
}

}  // namespace

std::map<std::string, ProofingProviderConfig> ParseProviders(const ConfigNode& root,
                                                             const Context& ctx) {
  std::map<std::string, ProofingProviderConfig> providers;
  std::optional<ConfigNode> node = root.Object("proofingProviders");
  if (!node) return providers;
  for (const auto& member : node->value().GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    ConfigNode provider(member.value, node->Child(name));
    if (!IsSafeId(name)) provider.Fail("provider names use only letters, digits, '.', '_' and '-'");
    providers.emplace(name, ParseProvider(provider, ctx));
  }
  return providers;
}

}  // namespace vc::common::config_internal
