#include "common/http/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace vc::common {

RateLimiter::RateLimiter(RateLimit limit, const Clock& clock, size_t max_keys)
    : limit_(limit), clock_(clock), max_keys_(std::max<size_t>(max_keys, 1)) {
  if (limit_.burst < 1) limit_.burst = 1;
}

void RateLimiter::Refill(Bucket& b, int64_t now_ms) const {
  // A clock that steps back must not mint tokens nor stall the bucket forever.
  const int64_t elapsed = std::max<int64_t>(0, now_ms - b.last_ms);
  b.tokens = std::min(limit_.burst, b.tokens + limit_.rate_per_second * elapsed / 1000.0);
  b.last_ms = now_ms;
}

void RateLimiter::Evict(int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(it->second, now_ms);
    it = it->second.tokens >= limit_.burst ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < max_keys_) return;
  // Still full: drop the least recently used tenth (amortised O(1) per insert).
  std::vector<std::pair<int64_t, std::string>> by_age;
  by_age.reserve(buckets_.size());
  for (const auto& [key, b] : buckets_) by_age.emplace_back(b.last_ms, key);
  const size_t drop = std::max<size_t>(1, by_age.size() / 10);
  std::nth_element(by_age.begin(), by_age.begin() + (drop - 1), by_age.end());
  for (size_t i = 0; i < drop; ++i) buckets_.erase(by_age[i].second);
}

RateLimiter::Decision RateLimiter::Acquire(std::string_view key) {
  if (!limit_.enabled()) return {};
  const int64_t now_ms = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) Evict(now_ms);
    it = buckets_.emplace(std::string(key), Bucket{limit_.burst, now_ms}).first;
  }
  Bucket& b = it->second;
  Refill(b, now_ms);
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  const double wait = (1 - b.tokens) / limit_.rate_per_second;
  return {false, std::max<int64_t>(1, static_cast<int64_t>(std::ceil(wait)))};
}

size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

AsyncHttpHandler RateLimited(AsyncHttpHandler inner, RateLimitRoute route) {
  return [inner = std::move(inner), route = std::move(route)](HttpServerRequest request,
                                                              HttpResponder respond) {
    // This process's own calls are its users' requests seen a second time:
    // they were limited when they came in.
    if (request.in_process) return inner(std::move(request), std::move(respond));
    RateLimiter::Decision d;
    if (route.per_ip) d = route.per_ip->Acquire(request.remote_ip);
    if (d.allowed && route.per_org && route.org_key) {
      const std::string org = route.org_key(request);
      if (!org.empty()) d = route.per_org->Acquire(org);
    }
    if (d.allowed) return inner(std::move(request), std::move(respond));
    HttpServerResponse response = route.reject ? route.reject(request, d.retry_after_seconds)
                                               : RateLimitedJson(d.retry_after_seconds);
    response.status = 429;
    response.SetHeader("Retry-After", std::to_string(d.retry_after_seconds));
    respond(std::move(response));
  };
}

HttpServerResponse RateLimitedJson(int64_t retry_after) {
  return HttpServerResponse::JsonError(
      429, "rate_limited",
      "Too many requests; try again in " + std::to_string(retry_after) + " s.");
}

}  // namespace vc::common
