// Database's writers: the group commit behind Submit() and Transaction().
#include <algorithm>
#include <future>
#include <utility>

#include "common/base/log.h"
#include "common/store/internal/database_internal.h"
#include "common/store/internal/sqlite_checkpointer.h"

namespace vc::common {
namespace detail {
namespace {

// Databases whose connection the current thread holds. A thread that calls
// back into the same Database would wait on itself (writer mutex) or starve
// the reader pool, so that is refused with an error instead.
thread_local std::vector<const Database*> t_held;
thread_local const Database* t_writer_of = nullptr;

}  // namespace

bool HeldByThisThread(const Database* db) {
  return std::find(t_held.begin(), t_held.end(), db) != t_held.end();
}
bool IsWriterThreadOf(const Database* db) { return t_writer_of == db; }
void SetWriterThreadOf(const Database* db) { t_writer_of = db; }

HoldGuard::HoldGuard(const Database* db) : db_(db) { t_held.push_back(db); }
HoldGuard::~HoldGuard() { t_held.erase(std::find(t_held.begin(), t_held.end(), db_)); }

Error NestedUse() {
  return MakeError("db_error",
                   "nested use of a Database inside its own transaction or read; "
                   "use the Connection passed to the work function");
}

Status CheckStillOpen(Connection& conn) {
  if (conn.Lost()) {
    return MakeError(std::string(kDbUnavailable),
                     "the database connection was lost; the transaction was not committed");
  }
  if (!conn.InTransaction()) {
    return MakeError("db_error", "the transaction was rolled back by the database after an error");
  }
  if (conn.TransactionFailed()) {
    return MakeError("db_error", "a statement failed inside the work, which did not report it");
  }
  return Status::Ok();
}

}  // namespace detail

void Connection::RolledBackTo(size_t mark) {
  while (undos_.size() > mark) {
    std::function<void()> undo = std::move(undos_.back());
    undos_.pop_back();
    try {
      undo();
    } catch (...) {
      LogError("db_undo_exception", {});
    }
  }
}

namespace {
constexpr size_t kMaxBatch = 256;
// How often a work is run again after PostgreSQL failed it to break a
// deadlock with another instance before its error is reported.
constexpr int kMaxConflictRetries = 5;
}  // namespace

void Database::Enqueue(std::unique_ptr<Pending> pending) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.push_back(std::move(pending));
  }
  queue_ready_.notify_one();
}

void Database::Submit(Work work, Done done) {
  auto p = std::make_unique<Pending>();
  p->work = std::move(work);
  p->done = [done = std::move(done)](Status status, std::exception_ptr exception) {
    if (exception) {
      std::string what = "non-standard exception";
      try {
        std::rethrow_exception(exception);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      LogError("db_work_exception", {{"error", what}});
      status = MakeError("db_error", "the storage work failed: " + what);
    }
    if (done) done(std::move(status));
  };
  Enqueue(std::move(p));
}

Status Database::Transaction(const Work& work) {
  if (detail::HeldByThisThread(this) || detail::IsWriterThreadOf(this)) return detail::NestedUse();
  std::promise<void> finished;
  Status result = Status::Ok();
  std::exception_ptr thrown;
  auto p = std::make_unique<Pending>();
  p->work = [&work](Connection& c) { return work(c); };
  p->done = [&](Status status, std::exception_ptr exception) {
    result = std::move(status);
    thrown = exception;
    finished.set_value();
  };
  Enqueue(std::move(p));
  finished.get_future().wait();
  if (thrown) std::rethrow_exception(thrown);
  return result;
}

void Database::CompletionLoop() {
  detail::SetWriterThreadOf(this);  // a Done that waited for a writer would wait for itself
  std::unique_lock<std::mutex> lock(completed_mutex_);
  while (true) {
    completed_ready_.wait(lock, [this] { return writers_done_ || !completed_.empty(); });
    if (completed_.empty()) return;  // the writers have stopped, and nothing is left
    auto batches = std::move(completed_);
    completed_.clear();
    lock.unlock();
    for (auto& batch : batches) {
      for (auto& p : batch) {
        try {
          p->done(std::move(p->status), p->exception);
        } catch (...) {
          LogError("db_done_exception", {});
        }
      }
    }
    batches.clear();  // the works' captures go here, outside the lock
    lock.lock();
  }
}

void Database::WriterLoop(Writer& writer) {
  detail::SetWriterThreadOf(this);
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (true) {
    queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to commit
    // Everything that arrived while the previous batch was committing goes
    // into this one: that is what shares the commit.
    const size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<std::unique_ptr<Pending>> batch;
    batch.reserve(n);
    std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n),
              std::back_inserter(batch));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    {
      std::lock_guard<std::mutex> writer_lock(writer.mu);
      detail::HoldGuard hold(this);
      RunBatch(*writer.conn, batch);
    }
    NoteHealth(batch);
    {
      std::lock_guard<std::mutex> done_lock(completed_mutex_);
      completed_.push_back(std::move(batch));
    }
    completed_ready_.notify_one();
    if (checkpointer_) {
      std::lock_guard<std::mutex> writer_lock(writer.mu);
      detail::HoldGuard hold(this);
      checkpointer_->CatchUpIfDue();
    }
    lock.lock();
  }
}

namespace {

// Runs one work in its own SAVEPOINT. Returns false when the transaction
// cannot go on (`fatal` says why); a work that failed alone is rolled back to
// its savepoint and the batch goes on.
bool RunOne(Connection& conn, Database::Work& work, Status* status, std::exception_ptr* exception,
            Status* fatal) {
  if (Status s = conn.ExecCached("SAVEPOINT work"); !s.ok()) return (*fatal = s), false;
  const size_t undo_mark = conn.UndoMark();
  try {
    *status = work(conn);
  } catch (...) {
    *exception = std::current_exception();
  }
  if (status->ok() && !*exception) {
    if (Status s = detail::CheckStillOpen(conn); !s.ok()) *status = s;
  }
  if (!conn.InTransaction()) {
    *fatal = detail::CheckStillOpen(conn);
    return false;
  }
  if (!status->ok() || *exception) {
    if (Status s = conn.ExecCached("ROLLBACK TO work"); !s.ok()) return (*fatal = s), false;
    conn.RolledBackTo(undo_mark);
  }
  if (Status s = conn.ExecCached("RELEASE work"); !s.ok()) return (*fatal = s), false;
  return true;
}

}  // namespace

// A work that PostgreSQL failed to break a deadlock (another instance holds a
// row it needs while waiting for one this batch holds) cannot just be run
// again: the batch would still hold its locks. What ran before it is committed
// first, which lets the other transaction finish, and it runs again in a new one.
void Database::RunBatch(Connection& conn, const std::vector<std::unique_ptr<Pending>>& batch) {
  // Every undo still pending belongs to a work that is not committed.
  auto fail_from = [&](size_t first, const Status& st) {
    conn.RolledBackTo(0);
    for (size_t i = first; i < batch.size(); ++i) {
      if (batch[i]->status.ok() && !batch[i]->exception) batch[i]->status = st;
    }
  };
  if (Status s = conn.Ready(); !s.ok()) return fail_from(0, s);
  if (Status s = conn.ExecCached(BeginWrite()); !s.ok()) return fail_from(0, s);
  detail::RollbackGuard guard(conn);
  size_t committed = 0;  // works before this index are committed already
  for (size_t i = 0; i < batch.size(); ++i) {
    Pending& p = *batch[i];
    for (int attempt = 0;; ++attempt) {
      p.status = Status::Ok();
      p.exception = nullptr;
      Status fatal = Status::Ok();
      if (!RunOne(conn, p.work, &p.status, &p.exception, &fatal))
        return fail_from(committed, fatal);
      if (p.status.ok() || p.exception || !IsRetryableConflict(p.status.error()) ||
          attempt == kMaxConflictRetries) {
        break;
      }
      if (Status s = conn.ExecCached("COMMIT"); !s.ok()) return fail_from(committed, s);
      conn.Committed();
      committed = i;
      if (Status s = conn.ExecCached(BeginWrite()); !s.ok()) return fail_from(committed, s);
    }
  }
  if (Status s = conn.ExecCached("COMMIT"); !s.ok()) return fail_from(committed, s);
  conn.Committed();
}

void Database::NoteHealth(const std::vector<std::unique_ptr<Pending>>& batch) {
  // A write that found no room marks the store failing; a committed one clears it.
  bool full = false, wrote = false;
  for (const auto& p : batch) {
    full |= !p->status.ok() && p->status.error().code == kDbFull;
    wrote |= p->status.ok() && !p->exception;
  }
  if (full) {
    writes_failing_.store(true, std::memory_order_relaxed);
  } else if (wrote) {
    writes_failing_.store(false, std::memory_order_relaxed);
  }
}

void Database::ProbeWrites() {
  Submit(
      [](Connection& conn) {
        if (conn.engine() == Engine::kPostgresql) {
          // Instances probing together: the table may appear between IF NOT
          // EXISTS and CREATE; the next probe then finds it.
          return conn.Exec(
              "CREATE TABLE IF NOT EXISTS store_health_probe(id BIGSERIAL PRIMARY KEY, pad BYTEA);"
              "INSERT INTO store_health_probe(pad) VALUES(decode(repeat('00', 4096), 'hex'));"
              "DELETE FROM store_health_probe;");
        }
        return conn.Exec(
            "CREATE TABLE IF NOT EXISTS store_health_probe(id INTEGER PRIMARY KEY, pad BLOB);"
            "INSERT INTO store_health_probe(pad) VALUES(zeroblob(4096));"
            "DELETE FROM store_health_probe;");
      },
      nullptr);
}

}  // namespace vc::common
