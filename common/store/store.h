// The database under the component stores (DESIGN.md §5), on one of two
// engines behind the same calls (connection.h): SQLite, a file in the data
// directory (the embedded default), or PostgreSQL through libpq, which any
// number of vcserver instances share. Errors are Result/Status with stable codes:
//   "db_constraint"   a constraint failed (UNIQUE/PRIMARY KEY: IsUniqueViolation)
//   "db_busy"         SQLite stayed locked past busy_timeout; PostgreSQL failed a
//                     statement to break a deadlock (the work is retried first)
//   "db_full"         no room to write (disk full, SQLite's max_page_count)
//   "db_unavailable"  PostgreSQL cannot be reached; connections come back by
//                     themselves with backoff (HTTP: 503 with Retry-After)
//   "db_error"        anything else (I/O, misuse, bad SQL, nested transaction)
// Components see their own Store interfaces, not this file.
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
#include <vector>

#include "common/base/result.h"
#include "common/base/thread_pool.h"
#include "common/store/connection.h"
#include "common/store/store_statement.h"

namespace vc::common {
namespace detail {
class SqliteCheckpointer;
}

struct DatabaseOptions {
  bool create = true;          // create the file if missing (not its directory)
  int busy_timeout_ms = 5000;  // how long a writer waits for another process
  int read_connections = 2;    // pool for Read(); 0 = reads use the writer
  // FULL (the default) fsyncs the WAL on every commit, so a claimed one-time
  // RequestId survives a power loss, not only a process crash; NORMAL trades
  // that for throughput and is meant for tests and benchmarks.
  bool full_sync = true;
  // WAL pages that wake the background checkpoint (store.cpp says why 4,000).
  int checkpoint_pages = 4'000;
};

struct PostgresOptions {
  // Connections of this process: 1 writer below 4, else 2; the rest read.
  int pool_size = 8;
  int connect_timeout_seconds = 5;
};

// Thread-safe. Writes go through writer threads that each own a writer
// connection (SQLite admits one writer at a time, so it has one): a writer
// takes everything queued, runs each work inside its own SAVEPOINT in one
// transaction, so all of them share one commit (one fsync), and then reports
// to each caller. Reads use a small pool of read-only connections that run
// beside the writers (SQLite's WAL; PostgreSQL's MVCC).
class Database {
 public:
  using Work = std::function<Status(Connection&)>;
  // Runs after the commit (or the failure) of one Submit()ted work.
  using Done = std::function<void(Status)>;

  // SQLite in WAL mode with foreign_keys=ON. ":memory:" gives a private
  // in-memory database (reads use the writer). Fails with "db_error" when the
  // file cannot be opened or WAL cannot be set.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  // PostgreSQL at `url` (a libpq connection string or URI). "db_unavailable"
  // when the server cannot be reached at all, "db_error" for a bad URL.
  static Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url,
                                                        const PostgresOptions& options = {});
  // Runs what is still queued, then stops the writer threads.
  ~Database();

  // Queues `work` for a writer thread and returns at once; never waits for
  // storage. `work` runs atomically on a writer connection; a read-modify-write
  // sees no concurrent writer when its SELECT carries ForUpdate() (no other
  // writer at all on SQLite). An error from it, or an exception (logged,
  // reported as "db_error"), undoes exactly its changes. `done` then runs with
  // work's Status or the COMMIT's error, once the changes are committed
  // (durably), on the database's completion thread (in commit order, while the
  // writers commit the next batches). `done` must be short and must not block:
  // no Transaction() (refused there), no outbound call; it may Submit().
  // A work that PostgreSQL failed to break a deadlock is run again, in a new
  // transaction: a work must only compute from what it reads and set its
  // outputs (not add to them).
  void Submit(Work work, Done done);

  // Submit() and wait: returns once the changes are committed. For callers
  // that may block (startup, background jobs, blocking handlers); an exception
  // from `work` is rethrown here. `work` must use only the Connection it is
  // given: calling back into this Database from inside it, or from a Done,
  // fails with "db_error" instead of deadlocking.
  Status Transaction(const Work& work);

  // Runs `work` in a read transaction (one consistent snapshot) on a reader
  // connection; writes fail there with "db_error".
  Status Read(const Work& work);

  // Read() without waiting: queues `work` for one of the database's reader
  // threads and returns at once; `done` runs on that thread with work's Status
  // (an exception from `work` is logged and becomes "db_error"). For handlers
  // that must not wait for storage. `done` must be short and must not block; it
  // may Submit() or Query() again.
  void Query(Work work, Done done);

  // Runs SQL without parameters outside any transaction on a writer.
  Status Exec(std::string_view sql);

  // True once a write failed for want of room ("db_full"), until a write
  // commits again: what /healthz reports. Never waits.
  bool WritesFailing() const { return writes_failing_.load(std::memory_order_relaxed); }
  // Queues a small write that needs fresh room (a 4 KiB row written and
  // deleted in table store_health_probe), so that WritesFailing() clears once
  // the store takes writes again even when nothing else writes. Never waits.
  void ProbeWrites();

  // SQLite: takes the database file for this Database alone, until it closes
  // (an exclusive flock on "<path>.lock"), for a store that keeps state in the
  // writer connection's memory, which another writer's commits would bypass.
  // "database_in_use" while another Database, in this process or another,
  // holds it. Idempotent; nothing to hold for ":memory:". PostgreSQL:
  // "db_error" (its instances share the database by design).
  Status HoldExclusively();

  Engine engine() const { return engine_; }
  // The SQLite file, or the PostgreSQL URL without its password (for logs).
  const std::string& path() const { return path_; }

 private:
  struct Writer;
  struct Pending;
  Database(Engine engine, std::string path, std::vector<std::unique_ptr<Connection>> writers);
  Status AddReaders(std::vector<std::unique_ptr<Connection>> readers);
  Connection* AcquireReader();  // waits for an idle reader
  void ReleaseReader(Connection* conn);
  enum class Mode { kAutocommit, kRead };  // writes go through the writer threads
  Status RunOnWriter(const Work& work, Mode mode);
  Status ReadOn(Connection& conn, const Work& work);
  void Enqueue(std::unique_ptr<Pending> pending);
  void WriterLoop(Writer& writer);
  void CompletionLoop();
  void RunBatch(Connection& conn, const std::vector<std::unique_ptr<Pending>>& batch);
  void NoteHealth(const std::vector<std::unique_ptr<Pending>>& batch);
  const char* BeginWrite() const;
  const char* BeginRead() const;

  const Engine engine_;
  const std::string path_;
  std::atomic<bool> writes_failing_{false};

  std::mutex queue_mutex_;  // guards queue_ and stopping_
  std::condition_variable queue_ready_;
  std::vector<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;

  // Committed batches whose Dones have not run yet: a thread of their own runs
  // them while the writers commit the next batches.
  std::mutex completed_mutex_;  // guards completed_ and writers_done_
  std::condition_variable completed_ready_;
  std::vector<std::vector<std::unique_ptr<Pending>>> completed_;
  bool writers_done_ = false;

  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> idle_readers_;
  std::unique_ptr<ThreadPool> query_threads_;  // runs Query(); one per reader

  // SQLite on a file: checkpoints the WAL off the writer thread. Outlives the
  // writers, whose connection calls it after each commit.
  std::unique_ptr<detail::SqliteCheckpointer> checkpointer_;

  std::mutex hold_mutex_;  // guards hold_fd_
  int hold_fd_ = -1;       // the flock of HoldExclusively(), closed last

  // Last: their threads start once everything above exists.
  std::thread completion_thread_;
  std::vector<std::unique_ptr<Writer>> writers_;
};

// Redacts the password of a libpq URL or connection string, for logs.
std::string RedactDatabaseUrl(std::string_view url);

}  // namespace vc::common
