// What operators and their monitors see of vcserver: /healthz reporting a store
// that cannot write (and probing it so the report clears once it can again),
// and who may read /metrics and whether its series name orgs (config
// "metrics"). Filled into the HTTP server's options before it is built.
#pragma once

#include "common/config/config.h"
#include "common/http/http_server.h"
#include "common/store/store.h"

namespace vc::server {

// Sets options.health_check, metrics_access and metrics_text. `db` must
// outlive the server.
void AddOperationsHooks(common::HttpServerOptions& options, const common::MetricsConfig& metrics,
                        common::Database& db);

}  // namespace vc::server
