// The PostgreSQL engine behind Connection and Statement (connection.h), over
// libpq with RAII on PGconn and PGresult. Parameters are sent as text (blobs
// in binary) with their types left to the server, which infers them from the
// statement, so the SQL components write for SQLite runs unchanged.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/store/connection.h"

struct pg_conn;
struct pg_result;

namespace vc::common::detail {

struct PgConnDeleter {
  void operator()(pg_conn* conn) const;
};
struct PgResultDeleter {
  void operator()(pg_result* result) const;
};
using PgConnPtr = std::unique_ptr<pg_conn, PgConnDeleter>;
using PgResultPtr = std::unique_ptr<pg_result, PgResultDeleter>;

// A statement's SQL with its parameters rewritten for PostgreSQL: `?` becomes
// $1, $2, … from the left, `?N` becomes $N, and each distinct `:name` (or
// @name, $name) one $n. Quoted text, quoted names, comments and `::` casts are
// left alone.
struct PgSql {
  std::string text;
  std::vector<std::string> names;  // names[n-1]: how $n was written (":k"), "" for ?
};
PgSql RewriteParameters(std::string_view sql);

// Maps a failed libpq call to the store's codes by SQLSTATE (named in the
// message, e.g. "[23505]"): a lost connection is "db_unavailable".
Error PgError(pg_conn* conn, const pg_result* result, std::string_view what);

struct PgConnectOptions {
  std::string url;  // a libpq connection string or URI
  int connect_timeout_seconds = 5;
  bool read_only = false;  // readers: every transaction READ ONLY
};

class PgStatement;

class PgConnection final : public Connection {
 public:
  // Connects; "db_unavailable" when the server cannot be reached, "db_error"
  // for a malformed URL or a refused login.
  static Result<std::unique_ptr<PgConnection>> Open(const PgConnectOptions& options);
  ~PgConnection() override;

  Engine engine() const override { return Engine::kPostgresql; }
  Status Exec(std::string_view sql) override;
  Status ExecCached(std::string_view sql) override { return Exec(sql); }
  Result<Statement> Prepare(std::string_view sql) override;
  Result<Statement> Cached(std::string_view sql) override;
  int64_t Changes() const override { return changes_; }
  bool InTransaction() const override;
  Status Ready() override;
  bool TransactionFailed() const override;
  bool Lost() const override;

  // For PgStatement.
  pg_conn* raw() { return conn_.get(); }
  void NoteChanges(const pg_result* result);

 private:
  explicit PgConnection(PgConnectOptions options) : options_(std::move(options)) {}
  Status Connect();

  PgConnectOptions options_;
  PgConnPtr conn_;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> cache_;
  int64_t changes_ = 0;
  uint64_t next_name_ = 0;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_{0};
};

class PgStatement final : public StatementImpl {
 public:
  // `name` empty: an unnamed statement parsed on every execution (Prepare);
  // otherwise a server-side prepared statement of the connection (Cached).
  PgStatement(PgConnection* conn, std::string name, PgSql sql);

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
  std::string Sql() const override { return sql_.text; }
  void Release() override;

  bool in_use = false;  // a cached statement lent to a handle

 private:
  Status Bind(int index, std::string value, int format);
  Status Execute();
  std::string Cell(int index) const;

  PgConnection* conn_;
  std::string name_;
  PgSql sql_;
  std::vector<std::string> values_;
  std::vector<char> is_null_;
  std::vector<int> formats_;
  PgResultPtr result_;
  int row_ = -1;
  int rows_ = 0;
  bool executed_ = false;
};

}  // namespace vc::common::detail
