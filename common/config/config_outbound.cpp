// "outbound": the policy for URLs from untrusted input and the outboxes
// (docs/security.md, docs/configuration.md).
#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

std::vector<IpRange> ParseAllow(const ConfigNode& node) {
  std::vector<std::string> entries;
  node.Strings("allow", &entries);
  std::vector<IpRange> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto range = IpRange::Parse(entries[i]);
    if (!range) {
      throw ConfigError(node.Child("allow") + "[" + std::to_string(i) + "]",
                        "must be an IP address or a CIDR prefix with no host bits set "
                        "(e.g. 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8)");
    }
    out.push_back(*range);
  }
  return out;
}

OutboxConfig ParseOutbox(const ConfigNode& parent) {
  OutboxConfig c;
  const auto node = parent.Object("outbox");
  if (!node) return c;
  node->AllowOnly(
      {"retrySeconds", "maxBackoffSeconds", "timeoutMs", "retentionSeconds", "maxDestinations"});
  node->Int("retrySeconds", 60, 30 * 86'400, &c.retry_seconds);
  node->Int("maxBackoffSeconds", 1, 86'400, &c.max_backoff_seconds);
  node->Int("timeoutMs", 100, 120'000, &c.timeout_ms);
  node->Int("retentionSeconds", 3'600, 365 * 86'400, &c.retention_seconds);
  node->Int("maxDestinations", 1, 64, &c.max_destinations);
  return c;
}

// The webhook is the one outbound target the config itself names.
std::optional<std::string> RefusedBy(const OutboundPolicy& policy, const std::string& url) {
  auto checked = CheckOutboundUrl(policy, url);
  if (checked) return std::nullopt;
  return checked.error().message;
}

}  // namespace

OutboundConfig ParseOutbound(const ConfigNode& root, const Context& ctx) {
  OutboundConfig c;
  c.policy.https_only = ctx.production();
  const auto node = root.Object("outbound");
  if (!node) return c;
  node->AllowOnly({"allow", "connectTimeoutMs", "timeoutMs", "maxResponseBytes", "maxPerHost",
                   "maxConcurrent", "negativeCacheSeconds", "outbox"});
  OutboundPolicy& p = c.policy;
  p.allow = ParseAllow(*node);
  int64_t n = p.connect_timeout_ms;
  if (node->Int("connectTimeoutMs", 100, 30'000, &n)) p.connect_timeout_ms = static_cast<long>(n);
  n = p.timeout_ms;
  if (node->Int("timeoutMs", 500, 120'000, &n)) p.timeout_ms = static_cast<long>(n);
  n = static_cast<int64_t>(p.max_response_bytes);
  if (node->Int("maxResponseBytes", 1024, 16 << 20, &n))
    p.max_response_bytes = static_cast<size_t>(n);
  n = p.max_per_host;
  if (node->Int("maxPerHost", 1, 256, &n)) p.max_per_host = static_cast<int>(n);
  n = p.max_concurrent;
  if (node->Int("maxConcurrent", 1, 1024, &n)) p.max_concurrent = static_cast<int>(n);
  node->Int("negativeCacheSeconds", 0, 3'600, &p.negative_cache_seconds);
  c.outbox = ParseOutbox(*node);
  return c;
}

void CheckOutboundTargets(const Config& c) {
  const std::string& hook = c.verifier.webhook.url;
  // Our own URLs are served in process, whatever their address.
  if (hook.empty() || hook.rfind(c.public_base_url + "/", 0) == 0) return;
  if (auto why = RefusedBy(c.outbound.policy, hook)) {
    throw ConfigError("verifier.webhook.url",
                      *why + "; list the receiver's address in outbound.allow to reach it");
  }
}

}  // namespace vc::common::config_internal
