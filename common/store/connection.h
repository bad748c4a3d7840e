// One connection to the database, as the work functions given to Database see
// it. Two engines implement it: SQLite (a file beside the process, the embedded
// default) and PostgreSQL through libpq (shared by any number of instances).
// Components write their SQL once, in the dialect both accept: `?` or `:name`
// parameters, INSERT … ON CONFLICT … DO NOTHING / DO UPDATE, RETURNING, and
// ForUpdate() where a work reads a row it is about to change. Only migrations
// (types: BLOB/BYTEA, identity columns, triggers) are written per engine.
//
// Not thread-safe: a Connection is only ever used by the thread that Database
// lent it to, and only inside the work it was lent for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "common/store/store_statement.h"

namespace vc::common {

enum class Engine { kSqlite, kPostgresql };

class Connection {
 public:
  virtual ~Connection() = default;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Engine engine() const = 0;

  // Runs one or more statements with no parameters and no result rows.
  virtual Status Exec(std::string_view sql) = 0;
  // Runs one statement with no parameters and no result rows from the
  // statement cache (transaction control: BEGIN, SAVEPOINT, COMMIT…).
  virtual Status ExecCached(std::string_view sql) = 0;
  // Prepares a statement that is discarded when the handle goes away.
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Like Prepare, but kept per connection by SQL text for the hot path; the
  // handle resets it on release. A statement already in use is prepared anew.
  virtual Result<Statement> Cached(std::string_view sql) = 0;

  // Rows changed by the last INSERT/UPDATE/DELETE run on this connection.
  virtual int64_t Changes() const = 0;
  virtual bool InTransaction() const = 0;

  // " FOR UPDATE" on PostgreSQL, "" on SQLite: appended to a SELECT of rows
  // that the work will change, so that a concurrent writer of another instance
  // waits until this transaction ends and then sees its result. SQLite needs
  // nothing: its one writer at a time already excludes every other.
  std::string_view ForUpdate() const {
    return engine() == Engine::kPostgresql ? " FOR UPDATE" : "";
  }

  // Inside a write work: `undo` runs on this thread if what the work did is
  // rolled back (its own error, or its batch's failed COMMIT), and is dropped
  // once it commits. For state a store keeps in memory beside its tables,
  // which must follow the transaction (one_time_claims.h). Must not throw.
  void OnRollback(std::function<void()> undo) { undos_.push_back(std::move(undo)); }

  // State a store keeps beside this connection, in memory: created empty on
  // first use, kept as long as the connection (the writer's: as long as its
  // Database). FindAttached() gives nullptr before that.
  template <typename T>
  T& Attached() {
    std::shared_ptr<void>& slot = attached_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }
  template <typename T>
  T* FindAttached() const {
    auto it = attached_.find(std::type_index(typeid(T)));
    return it == attached_.end() ? nullptr : static_cast<T*>(it->second.get());
  }

  // For Database's writer. UndoMark(): how many OnRollback()s are pending;
  // RolledBackTo(mark) runs those registered since, newest first; Committed()
  // drops them all.
  size_t UndoMark() const { return undos_.size(); }
  void RolledBackTo(size_t mark);
  void Committed() { undos_.clear(); }

  // For Database, between works. Ready(): the connection can be used, after
  // reconnecting a lost one (PostgreSQL, with backoff); "db_unavailable" when
  // it cannot. TransactionFailed(): a statement failed inside the open
  // transaction and the engine refuses everything else until a rollback
  // (PostgreSQL; SQLite statements fail alone).
  virtual Status Ready() = 0;
  virtual bool TransactionFailed() const = 0;
  // True once the connection to the server is gone (PostgreSQL), until Ready()
  // makes a new one.
  virtual bool Lost() const = 0;

 private:
  std::vector<std::function<void()>> undos_;
  std::unordered_map<std::type_index, std::shared_ptr<void>> attached_;
};

// True for "db_constraint" errors caused by a UNIQUE or PRIMARY KEY clash, the
// signal a one-time claim (INSERT of a used RequestId) relies on.
bool IsUniqueViolation(const Error& error);
// True for "db_unavailable": the database cannot be reached (PostgreSQL lost,
// or not back yet). HTTP edges answer 503 with Retry-After.
bool IsUnavailable(const Error& error);
// True for a deadlock or serialization failure that PostgreSQL resolved by
// failing this statement: running the work again in a new transaction is safe.
bool IsRetryableConflict(const Error& error);

}  // namespace vc::common
