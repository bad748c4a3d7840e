// The outboxes' options from config "outbound.outbox" (docs/configuration.md).
#pragma once

#include "common/config/config.h"
#include "common/http/outbox.h"

namespace vc::server {

inline common::OutboxOptions OutboxOptionsFrom(const common::OutboxConfig& c) {
  common::OutboxOptions o;
  o.retry_seconds = c.retry_seconds;
  o.max_backoff_ms = c.max_backoff_seconds * 1000;
  o.timeout_ms = static_cast<long>(c.timeout_ms);
  o.retention_seconds = c.retention_seconds;
  return o;
}

}  // namespace vc::server
