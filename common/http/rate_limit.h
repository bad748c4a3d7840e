// Rate limits: keyed token buckets (one bucket per client IP, org, client id…)
// and a decorator that puts them in front of an HttpHandler. A bucket holds at
// most `burst` tokens and refills at `rate_per_second`; a request takes one
// token or is refused with the time until the next one ("Retry-After").
//
// Memory is bounded: a bucket that has refilled completely is the same as no
// bucket, so such buckets are dropped when the table reaches `max_keys`; if it
// is still full (many keys active at once), the least recently used tenth is
// dropped, which only gives those keys a fresh burst.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/base/clock.h"
#include "common/http/http_message.h"

namespace vc::common {

// One limit. rate_per_second <= 0 disables it; burst < 1 counts as 1.
struct RateLimit {
  double rate_per_second = 0;
  double burst = 0;
  bool enabled() const { return rate_per_second > 0; }
};

// Thread-safe keyed token buckets on an injected clock (tests use ManualClock).
class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int64_t retry_after_seconds = 0;  // > 0 when refused: whole seconds, rounded up
  };
  RateLimiter(RateLimit limit, const Clock& clock, size_t max_keys = 100'000);

  // Takes a token from `key`'s bucket. Always allowed when the limit is disabled.
  Decision Acquire(std::string_view key);
  // Buckets currently held (for tests of the memory bound).
  size_t size() const;
  const RateLimit& limit() const { return limit_; }

 private:
  struct Bucket {
    double tokens = 0;
    int64_t last_ms = 0;
  };
  void Refill(Bucket& b, int64_t now_ms) const;
  void Evict(int64_t now_ms);  // called with mu_ held, when buckets_ is full

  RateLimit limit_;
  const Clock& clock_;
  size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// What RateLimited() needs for one route. Requests the process sends itself
// (HttpServerRequest::in_process: the issuer and verifier calling the embedded
// Request Service) are exempt from both limits.
struct RateLimitRoute {
  RateLimiter* per_ip = nullptr;   // keyed by HttpServerRequest::remote_ip; nullptr = none
  RateLimiter* per_org = nullptr;  // keyed by org_key(request); nullptr = none
  // The org (or client) a request counts against; "" = not counted per org. A
  // client id must come from verified credentials, never from what an
  // unauthenticated caller merely claims (it would spend that client's budget).
  std::function<std::string(const HttpServerRequest&)> org_key;
  // The endpoint's own 429 shape; RateLimited() adds the Retry-After header.
  std::function<HttpServerResponse(const HttpServerRequest&, int64_t retry_after)> reject;
};

// `inner`, behind the per-IP limit and then the per-org limit. A refused
// request never reaches `inner` and gets reject()'s response with status 429
// and "Retry-After: <seconds>". A request refused per IP takes no org token;
// an in-process request takes no token at all.
AsyncHttpHandler RateLimited(AsyncHttpHandler inner, RateLimitRoute route);

// The plain JSON 429: {"error":"rate_limited","message":…}.
HttpServerResponse RateLimitedJson(int64_t retry_after);

}  // namespace vc::common
