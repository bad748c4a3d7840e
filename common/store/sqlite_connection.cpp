#include "common/store/internal/sqlite_connection.h"

#include <sqlite3.h>

#include <utility>

namespace vc::common::detail {
namespace {

// Extended constraint codes are named in the message so that callers (and
// IsUniqueViolation) can tell a duplicate key from, say, a NOT NULL failure.
const char* ConstraintKind(int extended_rc) {
  switch (extended_rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
      return "SQLITE_CONSTRAINT_UNIQUE";
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return "SQLITE_CONSTRAINT_PRIMARYKEY";
    case SQLITE_CONSTRAINT_NOTNULL:
      return "SQLITE_CONSTRAINT_NOTNULL";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "SQLITE_CONSTRAINT_FOREIGNKEY";
    case SQLITE_CONSTRAINT_CHECK:
      return "SQLITE_CONSTRAINT_CHECK";
    default:
      return "SQLITE_CONSTRAINT";
  }
}

// SQL text can be long; the start of it is enough to find the statement.
std::string Shorten(std::string_view what) {
  constexpr size_t kMax = 80;
  if (what.size() <= kMax) return std::string(what);
  return std::string(what.substr(0, kMax)) + "...";
}

}  // namespace

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = Shorten(what) + ": " + detail;
  if (primary == SQLITE_CONSTRAINT) {
    return MakeError(std::string(kDbConstraint), message + " [" + ConstraintKind(rc) + "]");
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return MakeError(std::string(kDbBusy), message);
  }
  if (primary == SQLITE_FULL) return MakeError(std::string(kDbFull), message);
  return MakeError(std::string(kDbError), message);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 bool create, int busy_timeout_ms,
                                                                 bool full_sync) {
  sqlite3* raw = nullptr;
  // NOMUTEX: Database never shares a connection between threads at once.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(raw, rc, "open " + path);
    sqlite3_close_v2(raw);
    return error;
  }
  std::unique_ptr<SqliteConnection> conn(new SqliteConnection(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  const char* pragmas = full_sync ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                                  : "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
  if (Status s = conn->Exec(pragmas); !s.ok()) return s.error();
  return conn;
}

SqliteConnection::~SqliteConnection() {
  cache_.clear();  // finalizes the cached statements
  // close_v2 defers the close if a stray statement is still alive.
  sqlite3_close_v2(db_);
}

Status SqliteConnection::Exec(std::string_view sql) {
  std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, text);
  return Status::Ok();
}

Status SqliteConnection::ExecCached(std::string_view sql) {
  auto st = Cached(sql);
  if (!st) return st.error();
  return st->Run();
}

Result<Statement> SqliteConnection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  if (stmt == nullptr) return MakeError(std::string(kDbError), "empty SQL statement");
  return Statement(new SqliteStatement(db_, stmt, false));
}

Result<Statement> SqliteConnection::Cached(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    if (it->second->in_use) return Prepare(sql);
    it->second->in_use = true;
    return Statement(it->second.get());
  }
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: a hint that the statement lives long, so SQLite allocates it
  // outside its lookaside memory.
  const int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  if (stmt == nullptr) return MakeError(std::string(kDbError), "empty SQL statement");
  auto cached = std::make_unique<SqliteStatement>(db_, stmt, true);
  cached->in_use = true;
  SqliteStatement* ptr = cached.get();
  cache_.emplace(std::move(key), std::move(cached));
  return Statement(ptr);
}

int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_); }
bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- SqliteStatement -------------------------------------------------------

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

// A cached statement goes back reset, so it holds no read snapshot open and
// carries no old bindings into its next use.
void SqliteStatement::Release() {
  if (!cached_) {
    delete this;
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  in_use = false;
}

Status SqliteStatement::Check(int rc, int index) {
  if (rc == SQLITE_OK) return Status::Ok();
  return SqliteError(db_, rc, "bind " + std::to_string(index) + " in " + sqlite3_sql(stmt_));
}

Status SqliteStatement::BindText(int index, std::string_view value) {
  return Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

Status SqliteStatement::BindInt64(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value), index);
}

Status SqliteStatement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL (data() may be null).
  if (bytes.empty()) return Check(sqlite3_bind_zeroblob(stmt_, index, 0), index);
  return Check(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
               index);
}

Status SqliteStatement::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_, index), index);
}

int SqliteStatement::IndexOf(std::string_view name) const {
  return sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = SqliteError(db_, rc, sqlite3_sql(stmt_));
  // Reset so that the failed statement releases its locks at once.
  sqlite3_reset(stmt_);
  return error;
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int SqliteStatement::ColumnCount() const { return sqlite3_column_count(stmt_); }

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int64_t SqliteStatement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string SqliteStatement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string SqliteStatement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (blob == nullptr) return {};
  return std::string(static_cast<const char*>(blob),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string SqliteStatement::Sql() const { return sqlite3_sql(stmt_); }

}  // namespace vc::common::detail
