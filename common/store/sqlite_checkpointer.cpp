#include "common/store/internal/sqlite_checkpointer.h"

#include <sqlite3.h>

#include <utility>

#include "common/base/log.h"
#include "common/store/internal/sqlite_connection.h"

namespace vc::common::detail {

Result<std::unique_ptr<SqliteCheckpointer>> SqliteCheckpointer::Start(const std::string& path,
                                                                      int busy_timeout_ms,
                                                                      bool full_sync,
                                                                      int threshold_pages) {
  auto conn = SqliteConnection::Open(path, false, busy_timeout_ms, full_sync);
  if (!conn.ok()) return conn.error();
  return std::unique_ptr<SqliteCheckpointer>(
      new SqliteCheckpointer(std::move(*conn), threshold_pages));
}

SqliteCheckpointer::SqliteCheckpointer(std::unique_ptr<SqliteConnection> conn, int threshold_pages)
    : conn_(std::move(conn)), threshold_pages_(threshold_pages), thread_([this] { Run(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void SqliteCheckpointer::Watch(SqliteConnection& writer) {
  writer_ = writer.raw();
  sqlite3_wal_hook(writer.raw(), &SqliteCheckpointer::OnCommit, this);
}

bool SqliteCheckpointer::WaitForCheckpoints(int n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return ran_.wait_for(lock, timeout, [&] { return checkpoints_ >= n; });
}

// On the writer thread, after each commit, with the WAL's size in pages. It
// only decides: the commit's callers are still waiting, so the writer's own
// copy waits for CatchUpIfDue(), after their answers are on their way.
int SqliteCheckpointer::OnCommit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* c = static_cast<SqliteCheckpointer*>(self);
  c->wal_pages_.store(wal_pages);
  int copied = c->copied_.load();
  if (wal_pages < copied) {  // the WAL started over
    copied = 0;
    c->copied_.store(0);
  }
  const int uncopied = wal_pages - copied;
  std::unique_lock lock(c->mu_);
  if (c->running_ || c->wanted_) return SQLITE_OK;
  if (wal_pages >= 10 * c->threshold_pages_ || (copied > 0 && uncopied <= 4 * kCatchUp)) {
    // The last pages of a caught-up WAL (or a WAL too long): copied by the
    // writer, so that its next commit starts the WAL over.
    c->catch_up_due_ = true;
    return SQLITE_OK;
  }
  if (uncopied < c->threshold_pages_) return SQLITE_OK;
  c->wanted_ = true;
  lock.unlock();
  c->wake_.notify_one();
  return SQLITE_OK;
}

void SqliteCheckpointer::CatchUpIfDue() {
  if (!writer_ || !catch_up_due_) return;
  catch_up_due_ = false;
  Checkpoint(writer_, nullptr);
}

void SqliteCheckpointer::Checkpoint(sqlite3* db, const char* schema) {
  int wal_pages = 0, copied = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &wal_pages, &copied);
  if (rc == SQLITE_OK) {
    copied_.store(copied);
  } else if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
    LogWarn("db_checkpoint_failed", {{"error", sqlite3_errstr(rc)}});
  }
  std::lock_guard lock(mu_);
  ++checkpoints_;
  ran_.notify_all();
}

void SqliteCheckpointer::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return wanted_ || stopping_; });
    if (stopping_) return;
    wanted_ = false;
    running_ = true;
    lock.unlock();
    // Pass after pass: each copies what was committed during the one before
    // (a pass copies up to the WAL's end as it was when it began), until the
    // writer can copy the rest between two commits.
    for (int pass = 0; pass < 8; ++pass) {
      int wal_pages = 0, copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(conn_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                               &wal_pages, &copied);
      if (rc != SQLITE_OK) {
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
          LogWarn("db_checkpoint_failed", {{"error", sqlite3_errstr(rc)}});
        }
        break;
      }
      copied_.store(copied);
      if (wal_pages_.load() - copied <= kCatchUp) break;
    }
    lock.lock();
    running_ = false;
    ++checkpoints_;
    ran_.notify_all();
  }
}

}  // namespace vc::common::detail
