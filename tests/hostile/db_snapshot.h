// Every row of every table of a SQLite file, read through a read-only
// connection, so a test can show that refused requests changed nothing.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vc::testing {

// table name -> its rows in rowid order, each row rendered as "col=value|...".
using DbSnapshot = std::map<std::string, std::vector<std::string>>;

namespace db_snapshot_detail {

inline std::string Row(sqlite3_stmt* st) {
  std::string row;
  for (int i = 0; i < sqlite3_column_count(st); ++i) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    row += std::string(sqlite3_column_name(st, i)) + "=" +
           (text ? std::string(text, sqlite3_column_bytes(st, i)) : "NULL") + "|";
  }
  return row;
}

inline std::vector<std::string> Query(sqlite3* db, const std::string& sql) {
  std::vector<std::string> rows;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
    return rows;
  }
  while (sqlite3_step(st) == SQLITE_ROW) rows.push_back(Row(st));
  sqlite3_finalize(st);
  return rows;
}

}  // namespace db_snapshot_detail

inline DbSnapshot Snapshot(const std::string& path) {
  namespace d = db_snapshot_detail;
  DbSnapshot snap;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path;
    sqlite3_close(db);
    return snap;
  }
  sqlite3_busy_timeout(db, 5000);
  for (const auto& row : d::Query(db,
                                  "SELECT name FROM sqlite_master WHERE type='table' AND "
                                  "name NOT LIKE 'sqlite_%' ORDER BY name")) {
    const std::string table = row.substr(5, row.size() - 6);  // "name=<table>|"
    // WITHOUT ROWID tables have no rowid: compare their rows sorted.
    const bool rowid = d::Query(db, "SELECT 1 FROM sqlite_master WHERE name='" + table +
                                        "' AND upper(sql) LIKE '%WITHOUT ROWID%'")
                           .empty();
    auto rows = d::Query(db, "SELECT * FROM \"" + table + "\"" + (rowid ? " ORDER BY rowid" : ""));
    if (!rowid) std::sort(rows.begin(), rows.end());
    snap[table] = std::move(rows);
  }
  sqlite3_close(db);
  return snap;
}

// Expects `after` to equal `before` except in `append_only` tables, whose old
// rows must be unchanged and which may have gained rows at the end, and in
// `derived` tables (e.g. a head pointer kept beside an append-only log), which
// may change only when an append-only table grew.
inline void ExpectUnchanged(const DbSnapshot& before, const DbSnapshot& after,
                            const std::set<std::string>& append_only = {},
                            const std::set<std::string>& derived = {}) {
  bool appended = false;
  for (const auto& table : append_only) {
    auto b = before.count(table) ? before.at(table) : std::vector<std::string>{};
    auto a = after.count(table) ? after.at(table) : std::vector<std::string>{};
    ASSERT_GE(a.size(), b.size()) << table << " lost rows";
    a.resize(b.size());
    EXPECT_EQ(a, b) << table << ": existing rows changed";
    appended |= after.count(table) && after.at(table).size() > b.size();
  }
  for (const auto& [table, rows] : after) {
    if (append_only.count(table) || (appended && derived.count(table))) continue;
    auto it = before.find(table);
    ASSERT_NE(it, before.end()) << "new table " << table;
    EXPECT_EQ(rows, it->second) << "table " << table << " changed";
  }
  EXPECT_EQ(before.size(), after.size());
}

}  // namespace vc::testing
