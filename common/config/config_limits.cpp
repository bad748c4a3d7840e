// "rateLimits", "connections", "tls", "issuance", "retention" and "metrics":
// the hardening sections of the config (docs/configuration.md, docs/security.md).
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

IssuanceLimitsConfig ParseIssuanceLimits(const ConfigNode& root) {
  IssuanceLimitsConfig c;
  const auto node = root.Object("issuance");
  if (!node) return c;
  node->AllowOnly({"maxOffersPerRecord", "offerWindowSeconds"});
  node->Int("maxOffersPerRecord", 0, 1000, &c.max_offers_per_record);
  node->Int("offerWindowSeconds", 60, 30 * 86400, &c.offer_window_seconds);
  return c;
}

RetentionConfig ParseRetention(const ConfigNode& root) {
  RetentionConfig c;
  const auto node = root.Object("retention");
  if (!node) return c;
  node->AllowOnly({"pruneIntervalSeconds", "sessionsSeconds", "proofingAttemptsSeconds",
                   "unverifiedIdentitiesSeconds", "issuancesSeconds",
                   "requestServiceRequestsSeconds"});
  constexpr int64_t kTenYears = 10 * 365 * 86400LL;
  node->Int("pruneIntervalSeconds", 10, 86400, &c.prune_interval_seconds);
  node->Int("sessionsSeconds", 60, kTenYears, &c.sessions_seconds);
  node->Int("proofingAttemptsSeconds", 60, kTenYears, &c.proofing_attempts_seconds);
  node->Int("unverifiedIdentitiesSeconds", 60, kTenYears, &c.unverified_identities_seconds);
  node->Int("issuancesSeconds", 60, kTenYears, &c.issuances_seconds);
  node->Int("requestServiceRequestsSeconds", 60, kTenYears, &c.request_service_requests_seconds);
  return c;
}

MetricsConfig ParseMetrics(const ConfigNode& root, const Context& ctx) {
  MetricsConfig c;
  const auto node = root.Object("metrics");
  if (!node) return c;
  node->AllowOnly({"token", "allowFrom", "orgLabels"});
  if (node->Secret("token", ctx, &c.token) && c.token.size() < 16) {
    node->FailAt("token", "must be at least 16 characters");
  }
  node->Strings("allowFrom", &c.allowed_ips);
  for (size_t i = 0; i < c.allowed_ips.size(); ++i) {
    if (c.allowed_ips[i].empty() ||
        c.allowed_ips[i].find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos) {
      throw ConfigError(node->Child("allowFrom") + "[" + std::to_string(i) + "]",
                        "must be an IP address such as 127.0.0.1 or ::1");
    }
  }
  node->Bool("orgLabels", &c.org_labels);
  return c;
}

}  // namespace vc::common::config_internal
