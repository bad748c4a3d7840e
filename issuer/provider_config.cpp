#include "issuer/provider_config.h"

#include <cstdint>
#include <string>

namespace vc::issuer {

JumioOptions ParseJumioOptions(const common::ConfigNode& node, const common::ConfigContext& ctx) {
  JumioOptions o;
  node.NonEmptyString("region", &o.region);
  if (node.NonEmptyString("baseUrl", &o.base_url))
    common::CheckUrl(node, "baseUrl", o.base_url, false);
  if (!node.NonEmptyString("clientId", &o.client_id)) node.FailAt("clientId", "is required");
  if (!node.Secret("clientSecret", ctx, &o.client_secret)) {
    node.FailAt("clientSecret", "is required");
  }
  node.Int("workflowKey", 1, INT32_MAX, &o.workflow_key);
  node.Secret("callbackSecret", ctx, &o.callback_secret);
  node.Strings("callbackIps", &o.callback_ips);
  std::string warning_policy = "review";
  if (node.String("warningPolicy", &warning_policy) && warning_policy != "review" &&
      warning_policy != "reject") {
    node.FailAt("warningPolicy", "must be one of review, reject");
  }
  o.warning_is_rejection = warning_policy == "reject";
  return o;
}

AlibabaOptions ParseAlibabaOptions(const common::ConfigNode& node,
                                   const common::ConfigContext& ctx) {
  AlibabaOptions o;
  if (node.NonEmptyString("endpoint", &o.endpoint))
    common::CheckUrl(node, "endpoint", o.endpoint, false);
  if (!node.NonEmptyString("accessKeyId", &o.access_key_id)) {
    node.FailAt("accessKeyId", "is required");
  }
  if (!node.Secret("accessKeySecret", ctx, &o.access_key_secret)) {
    node.FailAt("accessKeySecret", "is required");
  }
  std::string version = "v3";
  if (node.String("signatureVersion", &version) && version != "v3" && version != "v1") {
    node.FailAt("signatureVersion", "must be one of v3, v1");
  }
  o.v1_signature = version == "v1";
  return o;
}

void CheckProviderOptions(const common::Config& config) {
  const common::ConfigContext ctx = config.context();
  for (const auto& [name, provider] : config.proofing_providers) {
    if (provider.type == common::ProviderType::kJumio) {
      (void)ParseJumioOptions(provider.node, ctx);
    } else if (provider.type == common::ProviderType::kAlibaba) {
      (void)ParseAlibabaOptions(provider.node, ctx);
    }
  }
}

}  // namespace vc::issuer
