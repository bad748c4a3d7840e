// The prune job (config "retention", docs/security.md): deletes, in every table
// that grows with use, the rows that are of no more use and older than their
// retention — spent one-time claims and old sessions, final proofing attempts,
// identity records never verified, ended issuance requests and idle offer
// gates, expired embedded Request Service requests. (Presentation results are
// purged by the verifier, verifier.resultRetentionSeconds; the outboxes keep
// their own retention; the audit log is append-only and kept.) vcserver runs
// it every retention.pruneIntervalSeconds; tests call RunOnce with a ManualClock.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/config/config_types.h"
#include "common/store/store.h"

namespace vc::server {

struct RetentionTables {
  bool issuer = false;           // sessions, proofing, issuance tables exist
  bool request_service = false;  // the embedded Request Service's tables exist
};

class Retention {
 public:
  Retention(const common::RetentionConfig& config, RetentionTables tables, common::Database& db,
            const common::Clock& clock)
      : config_(config), tables_(tables), db_(db), clock_(clock) {}

  // One pass over every table; rows removed by table group ("sessions",
  // "proofing_attempts", "identity_records", "issuances", "request_service_requests").
  // A group that fails is logged and the others still run; the Error names the
  // first failure.
  common::Result<std::map<std::string, int64_t>> RunOnce();

 private:
  common::RetentionConfig config_;
  RetentionTables tables_;
  common::Database& db_;
  const common::Clock& clock_;
};

}  // namespace vc::server
