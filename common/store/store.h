// The SQLite engine under the component stores (DESIGN.md §5): RAII handles
// over connections and prepared statements, transactions that serialise
// read-modify-write, and errors as Result/Status with stable codes:
//   "db_constraint"  a constraint failed (UNIQUE/PRIMARY KEY: IsUniqueViolation)
//   "db_busy"        the database stayed locked past busy_timeout
//   "db_full"        no room to write (disk full, or PRAGMA max_page_count)
//   "db_error"       anything else (I/O, misuse, bad SQL, nested transaction)
// Components see their own Store interfaces, not this file, so that a shared
// PostgreSQL store can be added later without touching them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/base/result.h"
#include "common/base/thread_pool.h"
#include "common/store/store_statement.h"

struct sqlite3;

namespace vc::common {

// One SQLite connection and its prepared-statement cache. Not thread-safe: a
// Connection is only ever used by the thread that Database lent it to.
class Connection {
 public:
  // Opens (creating if allowed) and applies the per-connection pragmas.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, bool create,
                                                  int busy_timeout_ms, bool full_sync);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements with no parameters and no result rows.
  Status Exec(std::string_view sql);
  // Runs one statement with no parameters and no result rows from the
  // statement cache: for the transaction control (BEGIN, SAVEPOINT, COMMIT…)
  // run on every write, which sqlite3_exec would compile anew each time.
  Status ExecCached(std::string_view sql);
  // Prepares a statement that is finalised when the handle goes away.
  Result<Statement> Prepare(std::string_view sql);
  // Like Prepare, but kept per connection by SQL text for the hot path; the
  // handle resets it on release. A statement already in use is prepared anew.
  Result<Statement> Cached(std::string_view sql);

  int64_t LastInsertRowId() const;
  int64_t Changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  bool InTransaction() const;
  sqlite3* raw() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<detail::CachedStatement>> cache_;
};

struct DatabaseOptions {
  bool create = true;          // create the file if missing (not its directory)
  int busy_timeout_ms = 5000;  // how long a writer waits for another process
  int read_connections = 2;    // pool for Read(); 0 = reads use the writer
  // FULL (the default) fsyncs the WAL on every commit, so a claimed one-time
  // RequestId survives a power loss, not only a process crash; NORMAL trades
  // that for throughput and is meant for tests and benchmarks.
  bool full_sync = true;
};

// A database file in WAL mode with foreign_keys=ON. Thread-safe. Writes go
// through one writer thread that owns the writer connection (SQLite admits one
// writer at a time anyway): it takes everything queued, runs each work inside
// its own SAVEPOINT in one BEGIN IMMEDIATE ... COMMIT, so all of them share one
// fsync, and then reports to each caller. Reads use a small pool of query_only
// connections that WAL lets run beside the writer.
class Database {
 public:
  using Work = std::function<Status(Connection&)>;
  // Runs after the commit (or the failure) of one Submit()ted work.
  using Done = std::function<void(Status)>;

  // ":memory:" gives a private in-memory database (reads use the writer).
  // Fails with "db_error" when the file cannot be opened or WAL cannot be set.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  // Runs what is still queued, then stops the writer thread.
  ~Database();

  // Queues `work` for the writer thread and returns at once; never waits for
  // storage. `work` runs atomically on the writer connection (read-modify-write
  // sees no other writer); an error from it, or an exception (logged, reported
  // as "db_error"), undoes exactly its changes. `done` then runs on the writer
  // thread with work's Status or the COMMIT's error, once the changes are
  // committed (durably, with full_sync), on the database's completion thread
  // (in commit order, while the writer commits the next batch). `done` must be
  // short and must not block: no Transaction() (refused there), no outbound
  // call; it may Submit().
  void Submit(Work work, Done done);

  // Submit() and wait: returns once the changes are committed. For callers
  // that may block (startup, background jobs, blocking handlers); an exception
  // from `work` is rethrown here. `work` must use only the Connection it is
  // given: calling back into this Database from inside it, or from a Done,
  // fails with "db_error" instead of deadlocking.
  Status Transaction(const Work& work);

  // Runs `work` in a read transaction (one consistent snapshot) on a reader
  // connection; writes fail there with "db_error" (query_only).
  Status Read(const Work& work);

  // Read() without waiting: queues `work` for one of the database's reader
  // threads and returns at once; `done` runs on that thread with work's Status
  // (an exception from `work` is logged and becomes "db_error"). For handlers
  // that must not wait for storage. `done` must be short and must not block; it
  // may Submit() or Query() again.
  void Query(Work work, Done done);

  // Runs SQL without parameters in autocommit mode on the writer.
  Status Exec(std::string_view sql);

  // True once a write failed for want of room ("db_full"), until a write
  // commits again: what /healthz reports. Never waits.
  bool WritesFailing() const { return writes_failing_.load(std::memory_order_relaxed); }
  // Queues a small write that needs fresh room (a 4 KiB row written and
  // deleted in table store_health_probe), so that WritesFailing() clears once
  // the store takes writes again even when nothing else writes. Never waits.
  void ProbeWrites();

  const std::string& path() const { return path_; }

 private:
  Database(std::string path, std::unique_ptr<Connection> writer);
  Connection* AcquireReader();  // waits for an idle reader
  void ReleaseReader(Connection* conn);
  enum class Mode { kAutocommit, kRead };  // writes go through the writer thread
  Status RunOnWriter(const Work& work, Mode mode);
  struct Pending;
  void Enqueue(std::unique_ptr<Pending> pending);
  void WriterLoop();
  void CompletionLoop();
  void RunBatch(const std::vector<std::unique_ptr<Pending>>& batch);
  void NoteHealth(const std::vector<std::unique_ptr<Pending>>& batch);

  std::mutex queue_mutex_;  // guards queue_ and stopping_
  std::condition_variable queue_ready_;
  std::vector<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;

  // Committed batches whose Dones have not run yet: a second thread runs them
  // while the writer commits the next batch.
  std::mutex completed_mutex_;  // guards completed_ and writer_done_
  std::condition_variable completed_ready_;
  std::vector<std::vector<std::unique_ptr<Pending>>> completed_;
  bool writer_done_ = false;

  std::string path_;
  std::atomic<bool> writes_failing_{false};
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;

  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> idle_readers_;
  std::unique_ptr<ThreadPool> query_threads_;  // runs Query(); one per reader

  // Last: started once everything above exists.
  std::thread completion_thread_;
  std::thread writer_thread_;
};

// True for "db_constraint" errors caused by a UNIQUE or PRIMARY KEY clash, the
// signal a one-time claim (INSERT of a used RequestId) relies on.
bool IsUniqueViolation(const Error& error);

}  // namespace vc::common
