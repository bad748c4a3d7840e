// A prepared SQLite statement as a move-only RAII handle (see store.h).
// Binds are chained; a bind error is remembered and reported by the next
// Step()/Run(), so call sites read as one expression:
//   auto st = conn.Cached("INSERT INTO t(k, v) VALUES(?, :v)");
//   Status s = st->BindText(1, key).BindInt64(":v", 7).Run();
// Column getters are valid after Step() returned true; indexes are 0-based,
// bind indexes 1-based as in SQLite. Text and blobs are copied on bind.
// A Statement must not outlive the Connection it came from; keep it inside the
// work function given to Database::Transaction/Read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vc::common {

// The code of an Error for a failed constraint (see store.h for all codes).
inline constexpr std::string_view kDbConstraint = "db_constraint";
// SQLITE_FULL: the disk (or the database's max_page_count) has no room.
inline constexpr std::string_view kDbFull = "db_full";

// Maps a SQLite result code to an Error with the stable codes of store.h;
// `what` says which operation failed (e.g. the SQL text).
Error SqliteError(sqlite3* db, int rc, std::string_view what);

namespace detail {
// A statement owned by a Connection's cache; `in_use` while a handle lends it.
struct CachedStatement {
  std::string sql;
  sqlite3_stmt* stmt = nullptr;
  bool in_use = false;
};
}  // namespace detail

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& BindText(int index, std::string_view value);
  Statement& BindInt64(int index, int64_t value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // By parameter name, including its prefix (":name", "@name" or "$name").
  Statement& BindText(std::string_view name, std::string_view value);
  Statement& BindInt64(std::string_view name, int64_t value);
  Statement& BindBlob(std::string_view name, std::string_view bytes);
  Statement& BindNull(std::string_view name);

  // true: a row is ready for the column getters; false: done.
  Result<bool> Step();
  // Steps until done, ignoring any rows (INSERT/UPDATE/DELETE).
  Status Run();
  // Back to before the first Step(), bindings cleared.
  void Reset();

  int ColumnCount() const;
  bool ColumnIsNull(int index) const;
  int64_t ColumnInt64(int index) const;
  std::string ColumnText(int index) const;  // "" for NULL
  std::string ColumnBlob(int index) const;  // raw bytes; "" for NULL

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt, detail::CachedStatement* cached);
  int IndexOf(std::string_view name);
  Statement& Check(int rc, std::string_view what);
  void Release();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  detail::CachedStatement* cached_ = nullptr;  // null: finalised on release
  Status bind_status_;
};

}  // namespace vc::common
