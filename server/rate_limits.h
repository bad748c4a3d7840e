// Rate limits on the endpoints that anyone can call before authenticating
// (config "rateLimits", docs/configuration.md): browser intake, the embedded
// token endpoint, and the create endpoints. Each route is one line in the
// table in rate_limits.cpp naming its group, how to find its org (or client),
// and its 429 shape (HTML page, OAuth JSON, or the Entra envelope).
//
// Per-org keys cap the load one org or client can bring. The intake's org keys
// are read before authentication (the path's orgId, the Auth0 token's iss);
// client keys come only from verified credentials: the bearer token's appid
// once its signature checks, the form's client_id once its secret does. So an
// unauthenticated caller is limited per IP only, and cannot spend a client's
// budget by naming it (issue 21: forged tokens naming the server's own client
// drained every org's create budget). The process's own calls to itself
// (in-process) are exempt.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/base/clock.h"
#include "common/config/config_types.h"
#include "common/http/http_server.h"
#include "request_service/auth.h"

namespace vc::server {

class RateLimits {
 public:
  // `tokens` gives the embedded Request Service's token service once it runs
  // (nullptr before, or without one): what verifies client credentials.
  using Tokens = std::function<const request_service::TokenService*()>;
  RateLimits(const common::RateLimitsConfig& config, const common::Clock& clock,
             Tokens tokens = nullptr);
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
  Tokens tokens_;
  Group intake_, token_, create_;
};

}  // namespace vc::server
