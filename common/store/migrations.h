// Versioned schema migrations for the SQLite store, per component ("issuer",
// "verifier", ...), recorded in
//   schema_migrations(component, version, name, applied_at)
// so that components evolve their tables independently in one database file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "common/store/store.h"

namespace vc::common {

struct Migration {
  int version;       // > 0, strictly increasing within a component's list
  std::string name;  // short, for the log and the table ("create_used_request_ids")
  std::string sql;   // one or more statements; no BEGIN/COMMIT, no PRAGMA foreign_keys
};

// Applies, in order, each migration whose version the component has not yet
// recorded, each in its own BEGIN IMMEDIATE transaction together with its
// schema_migrations row, so a failure leaves the earlier ones applied and
// nothing of the failing one. Idempotent: a re-run applies nothing, and two
// processes starting together do not apply a version twice.
// Errors (code "db_migration"): the list is not strictly increasing or has a
// version <= 0; the database records a version higher than the list knows (a
// downgrade: refuse to start rather than run old code on a newer schema); a
// migration's SQL failed (the message names component, version and name, and
// includes SQLite's error).
Status ApplyMigrations(Database& db, std::string_view component,
                       const std::vector<Migration>& migrations);

// The highest version recorded for `component`, 0 when none.
Result<int> CurrentSchemaVersion(Database& db, std::string_view component);

}  // namespace vc::common
