// Rate limits on the endpoints that anyone can call before authenticating
// (config "rateLimits", docs/configuration.md): browser intake, the embedded
// token endpoint, and the create endpoints. Each route is one line in the
// table in rate_limits.cpp naming its group, how to find its org (or client),
// and its 429 shape (HTML page, OAuth JSON, or the Entra envelope).
//
// Per-org keys are read before authentication (path orgId, the Auth0 token's
// iss, the form's client_id, the bearer token's appid): they cap the load one
// org or client can bring, and a client can only spend another's budget after
// first getting past its own per-IP limit.
#pragma once

#include <memory>
#include <vector>

#include "common/base/clock.h"
#include "common/config/config_types.h"
#include "common/http/http_server.h"

namespace vc::server {

class RateLimits {
 public:
  RateLimits(const common::RateLimitsConfig& config, const common::Clock& clock);
  RateLimits(const RateLimits&) = delete;
  RateLimits& operator=(const RateLimits&) = delete;

  // Wraps every route of the table that `server` has registered (roles that
  // are off leave theirs out). Call after all routes are registered, before
  // Start(); this object must outlive the server.
  void Apply(common::HttpServer& server);

 private:
  struct Group {
    std::unique_ptr<common::RateLimiter> per_ip;
    std::unique_ptr<common::RateLimiter> per_org;
  };
  Group MakeGroup(const common::RateLimitPair& pair, size_t max_keys) const;

  const common::Clock& clock_;
  Group intake_, token_, create_;
};

}  // namespace vc::server
