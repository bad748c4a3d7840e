// What every component's wiring in vcserver takes from the App: the config and
// the process-wide database, key store, HTTP clients (loopback_http_client.h),
// clock and server. Components that need more extend it (ProofingDeps).
#pragma once

#include <string>

#include "common/base/clock.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/store.h"
#include "keys/key_store.h"

namespace vc::server {

struct AppDeps {
  const common::Config& config;
  common::Database& db;
  keys::KeyStore& keys;
  common::HttpClient& http;  // configured endpoints (providers, Request Service, JWKS)
  // URLs from untrusted input (DIDs, status lists, callback and webhook URLs):
  // through the outbound policy (guarded_http_client.h); our own URL in process.
  common::HttpClient& outbound;
  const common::Clock& clock;
  common::HttpServer& server;
  // This process among the instances that share the database: the holder named
  // in job leases (common/store/job_lease.h).
  std::string instance_id;
};

}  // namespace vc::server
