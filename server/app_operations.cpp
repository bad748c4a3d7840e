#include "server/app_operations.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>

#include "common/base/crypto.h"
#include "common/base/metrics.h"

namespace vc::server {
namespace {

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool MayReadMetrics(const common::MetricsConfig& m, const common::HttpServerRequest& r) {
  const auto& ips = m.allowed_ips;
  if (!ips.empty() && std::find(ips.begin(), ips.end(), r.remote_ip) == ips.end()) return false;
  if (m.token.empty()) return true;
  const std::string_view auth = r.Header("authorization").value_or("");
  return auth.starts_with("Bearer ") && common::ConstantTimeEquals(auth.substr(7), m.token);
}

}  // namespace

void AddOperationsHooks(common::HttpServerOptions& options, const common::MetricsConfig& metrics,
                        common::Database& db) {
  // While writes fail, each look at /healthz (at most one a second) queues a
  // probe write: the report clears as soon as the store takes writes again,
  // even when a load balancer has stopped sending the traffic that would write.
  auto last_probe = std::make_shared<std::atomic<int64_t>>(0);
  options.health_check = [&db, last_probe]() -> std::string {
    if (!db.WritesFailing()) return "";
    const int64_t now = SteadyMillis();
    int64_t last = last_probe->load();
    if (now - last >= 1000 && last_probe->compare_exchange_strong(last, now)) db.ProbeWrites();
    return "store: writes fail for want of room (disk or database size limit full)";
  };
  if (!metrics.token.empty() || !metrics.allowed_ips.empty()) {
    options.metrics_access = [metrics](const common::HttpServerRequest& r) {
      return MayReadMetrics(metrics, r);
    };
  }
  common::MetricsRegistry* registry =
      options.metrics ? options.metrics : &common::MetricsRegistry::Global();
  const std::set<std::string> hidden =
      metrics.org_labels ? std::set<std::string>{} : std::set<std::string>{"org"};
  options.metrics_text = [registry, hidden] { return registry->RenderPrometheus(hidden); };
}

}  // namespace vc::server
