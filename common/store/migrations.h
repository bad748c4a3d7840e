// Versioned schema migrations, per component ("issuer", "verifier", ...) and
// per engine, recorded in
//   schema_migrations(component, version, name, applied_at)
// so that components evolve their tables independently in one database. The
// same versions exist on both engines; only the SQL may differ where the
// engines' types do (BLOB/BYTEA, AUTOINCREMENT/identity, triggers).
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
  std::string sql;   // SQLite: one or more statements; no BEGIN/COMMIT, no PRAGMA
  // PostgreSQL's version of `sql`; empty when `sql` is portable as it is.
  // Integers are BIGINT there (INTEGER is 32-bit), blobs BYTEA.
  std::string postgresql = {};
};

// Applies, in order, each migration whose version the component has not yet
// recorded, each in its own write transaction together with its
// schema_migrations row, so a failure leaves the earlier ones applied and
// nothing of the failing one. Idempotent: a re-run applies nothing, and two
// processes starting together (instances on one PostgreSQL) do not apply a
// version twice: on PostgreSQL each migration first takes a lock on
// schema_migrations that the other waits for.
// Errors (code "db_migration"): the list is not strictly increasing or has a
// version <= 0; the database records a version higher than the list knows (a
// downgrade: refuse to start rather than run old code on a newer schema); a
// migration's SQL failed (the message names component, version and name, and
// includes the engine's error).
Status ApplyMigrations(Database& db, std::string_view component,
                       const std::vector<Migration>& migrations);

// `sql` with every INTEGER type written BIGINT: PostgreSQL's version of a
// SQLite table whose only difference is that (its INTEGER is 32-bit). Not for
// INTEGER PRIMARY KEY AUTOINCREMENT, BLOB or triggers: write those out.
std::string BigIntegers(std::string_view sql);

// The highest version recorded for `component`, 0 when none.
Result<int> CurrentSchemaVersion(Database& db, std::string_view component);

}  // namespace vc::common
