// The SQLite engine behind Connection and Statement (connection.h): RAII over
// sqlite3 and sqlite3_stmt, errors mapped to the store's stable codes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/store/connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vc::common::detail {

// Maps a SQLite result code to an Error with the store's codes; `what` says
// which operation failed (e.g. the SQL text). Constraint failures name their
// kind ("[SQLITE_CONSTRAINT_UNIQUE]") so that IsUniqueViolation can tell them.
Error SqliteError(sqlite3* db, int rc, std::string_view what);

class SqliteStatement;

class SqliteConnection final : public Connection {
 public:
  // Opens (creating the file if allowed) and applies the per-connection pragmas.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, bool create,
                                                        int busy_timeout_ms, bool full_sync);
  ~SqliteConnection() override;

  Engine engine() const override { return Engine::kSqlite; }
  Status Exec(std::string_view sql) override;
  Status ExecCached(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  Result<Statement> Cached(std::string_view sql) override;
  int64_t Changes() const override;
  bool InTransaction() const override;
  Status Ready() override { return Status::Ok(); }
  bool TransactionFailed() const override { return false; }
  bool Lost() const override { return false; }

  sqlite3* raw() const { return db_; }  // for the WAL hook and checkpoints

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
};

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, bool cached) noexcept
      : db_(db), stmt_(stmt), cached_(cached) {}
  ~SqliteStatement() override;

  Status BindText(int index, std::string_view value) override;
  Status BindInt64(int index, int64_t value) override;
  Status BindBlob(int index, std::string_view bytes) override;
  Status BindNull(int index) override;
  int IndexOf(std::string_view name) const override;
  Result<bool> Step() override;
  void Reset() override;
  int ColumnCount() const override;
  bool ColumnIsNull(int index) const override;
  int64_t ColumnInt64(int index) const override;
  std::string ColumnText(int index) const override;
  std::string ColumnBlob(int index) const override;
  std::string Sql() const override;
  void Release() override;

  bool in_use = false;  // a cached statement lent to a handle

 private:
  Status Check(int rc, int index);
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool cached_;
};

}  // namespace vc::common::detail
