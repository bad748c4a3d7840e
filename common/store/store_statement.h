// A prepared statement as a move-only handle, the same for both engines (see
// store.h). Binds are chained; a bind error is remembered and reported by the
// next Step()/Run(), so call sites read as one expression:
//   auto st = conn.Cached("INSERT INTO t(k, v) VALUES(?, :v)");
//   Status s = st->BindText(1, key).BindInt64(":v", 7).Run();
// Parameters are `?` (numbered 1, 2, … from the left) or `:name`; the
// PostgreSQL engine rewrites both to its own $n. Column getters are valid after
// Step() returned true; indexes are 0-based, bind indexes 1-based as in SQLite.
// Text and blobs are copied on bind. A Statement must not outlive the
// Connection it came from; keep it inside the work given to Database.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::common {

// The stable error codes of the store (store.h says when each happens).
inline constexpr std::string_view kDbConstraint = "db_constraint";
inline constexpr std::string_view kDbBusy = "db_busy";
inline constexpr std::string_view kDbFull = "db_full";
inline constexpr std::string_view kDbUnavailable = "db_unavailable";
inline constexpr std::string_view kDbError = "db_error";

namespace detail {

// What an engine implements behind a Statement handle.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual Status BindText(int index, std::string_view value) = 0;
  virtual Status BindInt64(int index, int64_t value) = 0;
  virtual Status BindBlob(int index, std::string_view bytes) = 0;
  virtual Status BindNull(int index) = 0;
  virtual int IndexOf(std::string_view name) const = 0;  // 0 when there is no such parameter
  virtual Result<bool> Step() = 0;
  virtual void Reset() = 0;  // before the first Step(), bindings cleared
  virtual int ColumnCount() const = 0;
  virtual bool ColumnIsNull(int index) const = 0;
  virtual int64_t ColumnInt64(int index) const = 0;
  virtual std::string ColumnText(int index) const = 0;
  virtual std::string ColumnBlob(int index) const = 0;
  virtual std::string Sql() const = 0;  // for error messages
  // The handle lets go: a cached statement is reset and goes back to its
  // connection's cache, any other is destroyed (`delete this`).
  virtual void Release() = 0;
};

}  // namespace detail

class Statement {
 public:
  // For the engines: takes the statement until it is released.
  explicit Statement(detail::StatementImpl* impl) : impl_(impl) {}
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

  int ColumnCount() const { return impl_->ColumnCount(); }
  bool ColumnIsNull(int index) const { return impl_->ColumnIsNull(index); }
  int64_t ColumnInt64(int index) const { return impl_->ColumnInt64(index); }
  std::string ColumnText(int index) const { return impl_->ColumnText(index); }  // "" for NULL
  std::string ColumnBlob(int index) const { return impl_->ColumnBlob(index); }  // raw bytes

 private:
  Statement& Check(Status status);
  int IndexOf(std::string_view name);

  detail::StatementImpl* impl_ = nullptr;
  Status bind_status_;
};

}  // namespace vc::common
