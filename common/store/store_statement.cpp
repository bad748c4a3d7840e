#include "common/store/store_statement.h"

#include <sqlite3.h>

#include <utility>

namespace vc::common {
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
    return MakeError("db_busy", message);
  }
  if (primary == SQLITE_FULL) return MakeError(std::string(kDbFull), message);
  return MakeError("db_error", message);
}

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, detail::CachedStatement* cached)
    : db_(db), stmt_(stmt), cached_(cached) {}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cached_(std::exchange(other.cached_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    cached_ = std::exchange(other.cached_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() { Release(); }

// A cached statement goes back reset, so it holds no read snapshot open and
// carries no old bindings into its next use.
void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (cached_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    cached_->in_use = false;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  cached_ = nullptr;
}

Statement& Statement::Check(int rc, std::string_view what) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(
        db_, rc, std::string("bind ") + std::string(what) + " in " + sqlite3_sql(stmt_));
  }
  return *this;
}

int Statement::IndexOf(std::string_view name) {
  const int index = sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
  if (index == 0 && bind_status_.ok()) {
    bind_status_ = MakeError(
        "db_error", "no parameter named " + std::string(name) + " in " + sqlite3_sql(stmt_));
  }
  return index;
}

Statement& Statement::BindText(int index, std::string_view value) {
  return Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      std::to_string(index));
}

Statement& Statement::BindInt64(int index, int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value), std::to_string(index));
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob must still be a blob, not NULL (data() may be null).
  if (bytes.empty()) return Check(sqlite3_bind_zeroblob(stmt_, index, 0), std::to_string(index));
  return Check(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT),
               std::to_string(index));
}

Statement& Statement::BindNull(int index) {
  return Check(sqlite3_bind_null(stmt_, index), std::to_string(index));
}

Statement& Statement::BindText(std::string_view name, std::string_view value) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindText(index, value);
}

Statement& Statement::BindInt64(std::string_view name, int64_t value) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindInt64(index, value);
}

Statement& Statement::BindBlob(std::string_view name, std::string_view bytes) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindBlob(index, bytes);
}

Statement& Statement::BindNull(std::string_view name) {
  const int index = IndexOf(name);
  return index == 0 ? *this : BindNull(index);
}

Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_.error();
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = SqliteError(db_, rc, sqlite3_sql(stmt_));
  // Reset so that the failed statement releases its locks at once.
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.error();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = Status::Ok();
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

bool Statement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::ColumnText(int index) const {
  const unsigned char* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::string Statement::ColumnBlob(int index) const {
  const void* blob = sqlite3_column_blob(stmt_, index);
  if (blob == nullptr) return {};
  return std::string(static_cast<const char*>(blob),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

}  // namespace vc::common
