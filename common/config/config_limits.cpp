// "rateLimits", "connections" and "tls": the hardening sections of the config.
#include <algorithm>
#include <filesystem>

#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

// A non-negative number (integer or fraction), at most `max`.
double Number(const ConfigNode& node, const char* key, double max) {
  const rapidjson::Value& v = node.value()[key];
  if (!v.IsNumber()) node.FailAt(key, "must be a number");
  const double n = v.GetDouble();
  if (!(n >= 0 && n <= max))
    node.FailAt(key, "must be between 0 and " + std::to_string(static_cast<int64_t>(max)));
  return n;
}

// 0 (disabled) or {"ratePerSecond": r, "burst": b}; burst defaults to r (at least 1).
void ParseLimit(const ConfigNode& parent, const char* key, RateLimit* out) {
  if (!parent.Has(key)) return;
  const rapidjson::Value& v = parent.value()[key];
  if (v.IsNumber() && v.GetDouble() == 0) {
    *out = RateLimit{};
    return;
  }
  if (!v.IsObject()) parent.FailAt(key, "must be 0 (off) or {\"ratePerSecond\": …, \"burst\": …}");
  const ConfigNode node(v, parent.Child(key));
  node.AllowOnly({"ratePerSecond", "burst"});
  if (!node.Has("ratePerSecond")) node.Fail("needs ratePerSecond (0 turns the limit off)");
  RateLimit limit;
  limit.rate_per_second = Number(node, "ratePerSecond", 1e6);
  limit.burst =
      node.Has("burst") ? Number(node, "burst", 1e6) : std::max(1.0, limit.rate_per_second);
  if (limit.enabled() && limit.burst < 1) node.FailAt("burst", "must be at least 1");
  *out = limit;
}

void ParsePair(const ConfigNode& parent, const char* key, RateLimitPair* out) {
  const auto node = parent.Object(key);
  if (!node) return;
  node->AllowOnly({"perIp", "perOrg"});
  ParseLimit(*node, "perIp", &out->per_ip);
  ParseLimit(*node, "perOrg", &out->per_org);
}

}  // namespace

ConnectionsConfig ParseConnections(const ConfigNode& root) {
  ConnectionsConfig c;
  const auto node = root.Object("connections");
  if (!node) return c;
  node->AllowOnly({"maxOpen", "maxPerIp"});
  node->Int("maxOpen", 0, 10'000'000, &c.max_open);
  node->Int("maxPerIp", 0, 10'000'000, &c.max_per_ip);
  return c;
}

RateLimitsConfig ParseRateLimits(const ConfigNode& root) {
  RateLimitsConfig c;
  const auto node = root.Object("rateLimits");
  if (!node) return c;
  node->AllowOnly({"intake", "token", "create", "maxTrackedKeys"});
  ParsePair(*node, "intake", &c.intake);
  ParsePair(*node, "token", &c.token);
  ParsePair(*node, "create", &c.create);
  node->Int("maxTrackedKeys", 100, 10'000'000, &c.max_tracked_keys);
  return c;
}

TlsConfig ParseTls(const ConfigNode& root, const Context& ctx) {
  TlsConfig c;
  const auto node = root.Object("tls");
  if (!node) return c;
  // Only caBundle: there is no way to switch verification off, by design.
  node->AllowOnly({"caBundle"});
  if (node->NonEmptyString("caBundle", &c.ca_bundle)) {
    c.ca_bundle = ResolvePath(c.ca_bundle, ctx);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(c.ca_bundle, ec)) {
      node->FailAt("caBundle", "is not a readable file: " + c.ca_bundle);
    }
  }
  return c;
}

}  // namespace vc::common::config_internal
