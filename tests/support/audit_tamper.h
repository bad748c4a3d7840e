// Edits an audit log behind the engine's SQL guards, the way someone with
// write access to the database would: without the append-only triggers. For
// tamper-detection tests.
#pragma once

#include <sqlite3.h>

#include <string>

#include "support/test_database.h"

namespace vc::testing {

// SQLite: drops the triggers and runs `sql` on a raw connection to the file.
inline bool TamperWithDatabase(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return false;
  const std::string all =
      "DROP TRIGGER IF EXISTS audit_log_no_update; "
      "DROP TRIGGER IF EXISTS audit_log_no_delete; " +
      sql;
  const bool ok = sqlite3_exec(db, all.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

// Either engine: PostgreSQL's triggers are disabled by the table's owner.
inline bool TamperWithAudit(const TestDatabase& store, const std::string& sql) {
  if (store.backend() == TestBackend::kSqlite) {
    return TamperWithDatabase(store.dir().File("vc.db"), sql);
  }
  auto db = store.Open(2);
  return db && db->Exec("ALTER TABLE audit_log DISABLE TRIGGER USER; " + sql +
                        "; ALTER TABLE audit_log ENABLE TRIGGER USER")
                   .ok();
}

}  // namespace vc::testing
