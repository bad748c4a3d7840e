// Leases on periodic jobs that must not run on several instances at once
// (pruning, purging): a row per job naming its holder until a time. An
// instance takes the lease when it is free or expired, or renews its own; the
// others skip that round. A holder killed mid-job loses the lease when it
// expires, and the next instance to try takes over.
//
// Table job_leases (component "job_leases"), created by MigrateJobLeases.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "common/store/store.h"

namespace vc::common {

Status MigrateJobLeases(Database& db);

// True when `holder` holds `job` from now until now_ms + ttl_ms (taken or
// renewed); false when another holder's lease has not expired.
Result<bool> TryLease(Database& db, std::string_view job, std::string_view holder, int64_t ttl_ms,
                      int64_t now_ms);

// Gives the lease up early (the job is done), when `holder` still holds it.
Status ReleaseLease(Database& db, std::string_view job, std::string_view holder);

}  // namespace vc::common
