// Edits an audit log behind SQLite's SQL guards, the way someone with write
// access to the database file would: drops the append-only triggers, then runs
// the given SQL on a raw connection. For tamper-detection tests.
#pragma once

#include <sqlite3.h>

#include <string>

namespace vc::testing {

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

}  // namespace vc::testing
