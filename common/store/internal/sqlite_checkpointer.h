// Internal to the store: checkpoints a SQLite database's WAL on a thread of
// its own, so that the writer does not stop committing to copy pages.
//
// SQLite's default is that the commit which takes the WAL past 1,000 pages
// copies them all into the database file and fsyncs it, inside that commit:
// every claim of the batch waits for it (tens of milliseconds; the p99 of a
// jumpstart). Here the writer's WAL hook wakes this thread once `threshold`
// pages are uncopied; it runs PASSIVE checkpoints on its own connection, which
// copy what is committed while the writer goes on, pass after pass until
// at most kCatchUp pages are left. The writer copies the last few (with what
// it committed since) between two batches, once the last batch's answers are
// published (CatchUpIfDue), and the WAL then starts over from its beginning.
// A WAL that still grows past ten thresholds (a reader that does not end) is
// checkpointed by the writer, as SQLite would.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/base/result.h"

struct sqlite3;

namespace vc::common::detail {

class SqliteConnection;

class SqliteCheckpointer {
 public:
  // Opens its own connection to `path` (a WAL database) and starts its thread.
  static Result<std::unique_ptr<SqliteCheckpointer>> Start(const std::string& path,
                                                           int busy_timeout_ms, bool full_sync,
                                                           int threshold_pages);
  ~SqliteCheckpointer();  // stops and joins the thread, then closes
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Installs the WAL hook on the writer's connection (replacing SQLite's
  // automatic checkpoint). The writer must be closed before this is destroyed.
  void Watch(SqliteConnection& writer);

  // The background passes stop at this many uncopied pages; the writer copies
  // up to four times as many itself. On a grown database that took 6-7 ms on
  // average, up to 20 ms (the fsync of pages all over the file; measured in
  // bench/results/profile.md), which is why no batch's callers wait for it.
  static constexpr int kCatchUp = 64;

  // On the writer thread, between two batches (after the last one's answers
  // are published): copies the WAL's last pages when a commit found it due.
  void CatchUpIfDue();

  // Waits until `n` checkpoints have run, at most `timeout`; false if not.
  bool WaitForCheckpoints(int n, std::chrono::milliseconds timeout) const;

 private:
  SqliteCheckpointer(std::unique_ptr<SqliteConnection> conn, int threshold_pages);
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  // One PASSIVE checkpoint on `db`; notes how far the WAL is copied.
  void Checkpoint(sqlite3* db, const char* schema);
  void Run();

  std::unique_ptr<SqliteConnection> conn_;
  const int threshold_pages_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  mutable std::condition_variable ran_;
  bool wanted_ = false;            // the writer asked for a checkpoint
  bool running_ = false;           // this thread is checkpointing
  std::atomic<int> copied_{0};     // WAL pages copied by the last checkpoint
  std::atomic<int> wal_pages_{0};  // the WAL's size after the last commit
  bool stopping_ = false;
  sqlite3* writer_ = nullptr;  // the watched connection
  bool catch_up_due_ = false;  // writer thread only
  int checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace vc::common::detail
