#include "common/store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <future>
#include <utility>

#include "common/base/log.h"

namespace vc::common {
namespace {

// Databases whose connection the current thread holds. A thread that calls
// back into the same Database would wait on itself (writer mutex) or starve
// the reader pool, so that is refused with an error instead.
thread_local std::vector<const Database*> t_held;
// The Database whose writer thread this is: a Done that waited for the writer
// would wait for itself.
thread_local const Database* t_writer_of = nullptr;

class HoldGuard {
 public:
  explicit HoldGuard(const Database* db) : db_(db) { t_held.push_back(db); }
  ~HoldGuard() { t_held.erase(std::find(t_held.begin(), t_held.end(), db_)); }
  HoldGuard(const HoldGuard&) = delete;
  HoldGuard& operator=(const HoldGuard&) = delete;

 private:
  const Database* db_;
};

// Runs a cleanup on every way out of a scope, exceptions included.
template <typename F>
class ScopeExit {
 public:
  explicit ScopeExit(F f) : f_(std::move(f)) {}
  ~ScopeExit() { f_(); }
  ScopeExit(const ScopeExit&) = delete;
  ScopeExit& operator=(const ScopeExit&) = delete;

 private:
  F f_;
};

bool HeldByThisThread(const Database* db) {
  return std::find(t_held.begin(), t_held.end(), db) != t_held.end();
}

Error NestedUse() {
  return MakeError("db_error",
                   "nested use of a Database inside its own transaction or read; "
                   "use the Connection passed to the work function");
}

// Rolls back whatever is still open when the work returned an error, COMMIT
// failed, or an exception is unwinding.
class RollbackGuard {
 public:
  explicit RollbackGuard(Connection& conn) : conn_(conn) {}
  ~RollbackGuard() {
    if (conn_.InTransaction()) (void)conn_.Exec("ROLLBACK");
  }
  RollbackGuard(const RollbackGuard&) = delete;
  RollbackGuard& operator=(const RollbackGuard&) = delete;

 private:
  Connection& conn_;
};

Status RunInTransaction(Connection& conn, const char* begin, const Database::Work& work) {
  if (Status s = conn.ExecCached(begin); !s.ok()) return s;
  RollbackGuard guard(conn);
  if (Status s = work(conn); !s.ok()) return s;
  // Some errors (I/O, out of memory) make SQLite roll back on its own; if the
  // work swallowed one, committing would silently commit nothing.
  if (!conn.InTransaction()) {
    return MakeError("db_error", "the transaction was rolled back by SQLite after an error");
  }
  return conn.ExecCached("COMMIT");
}

}  // namespace

// ---- Connection ----------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, bool create,
                                                     int busy_timeout_ms, bool full_sync) {
  sqlite3* raw = nullptr;
  // NOMUTEX: Database never shares a connection between threads at once.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(raw, rc, "open " + path);
    sqlite3_close_v2(raw);
    return error;
  }
  std::unique_ptr<Connection> conn(new Connection(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  const char* pragmas = full_sync ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                                  : "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;";
  if (Status s = conn->Exec(pragmas); !s.ok()) return s.error();
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  // close_v2 defers the close if a stray statement is still alive.
  sqlite3_close_v2(db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, text);
  return Status::Ok();
}

Status Connection::ExecCached(std::string_view sql) {
  auto st = Cached(sql);
  if (!st) return st.error();
  return st->Run();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  if (stmt == nullptr) return MakeError("db_error", "empty SQL statement");
  return Statement(db_, stmt, nullptr);
}

Result<Statement> Connection::Cached(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it != cache_.end()) {
    if (it->second->in_use) return Prepare(sql);
    it->second->in_use = true;
    return Statement(db_, it->second->stmt, it->second.get());
  }
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: a hint that the statement lives long, so SQLite allocates it
  // outside its lookaside memory.
  const int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
  if (stmt == nullptr) return MakeError("db_error", "empty SQL statement");
  auto cached = std::make_unique<detail::CachedStatement>();
  cached->sql = key;
  cached->stmt = stmt;
  cached->in_use = true;
  detail::CachedStatement* ptr = cached.get();
  cache_.emplace(std::move(key), std::move(cached));
  return Statement(db_, stmt, ptr);
}

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int64_t Connection::Changes() const { return sqlite3_changes64(db_); }
bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Database ------------------------------------------------------------

Database::Database(std::string path, std::unique_ptr<Connection> writer)
    : path_(std::move(path)),
      writer_(std::move(writer)),
      completion_thread_([this] { CompletionLoop(); }),
      writer_thread_([this] { WriterLoop(); }) {}

Database::~Database() {
  query_threads_.reset();  // runs the queries still queued
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_one();
  writer_thread_.join();  // commits what is queued and hands its Dones on
  {
    std::lock_guard<std::mutex> lock(completed_mutex_);
    writer_done_ = true;
  }
  completed_ready_.notify_one();
  completion_thread_.join();  // runs the last Dones
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  auto writer = Connection::Open(path, options.create, options.busy_timeout_ms, options.full_sync);
  if (!writer.ok()) return writer.error();
  const bool in_memory = path == ":memory:" || path.empty();
  {
    auto mode = (*writer)->Prepare("PRAGMA journal_mode=WAL");
    if (!mode.ok()) return mode.error();
    auto row = mode->Step();
    if (!row.ok()) return row.error();
    const std::string journal = *row ? mode->ColumnText(0) : "";
    if (!in_memory && journal != "wal") {
      return MakeError(
          "db_error", "open " + path + ": cannot enable WAL (journal_mode is \"" + journal + "\")");
    }
  }
  std::unique_ptr<Database> db(new Database(path, std::move(*writer)));
  const int readers = in_memory ? 0 : std::max(0, options.read_connections);
  for (int i = 0; i < readers; ++i) {
    auto reader = Connection::Open(path, false, options.busy_timeout_ms, options.full_sync);
    if (!reader.ok()) return reader.error();
    if (Status s = (*reader)->Exec("PRAGMA query_only=ON"); !s.ok()) return s.error();
    db->idle_readers_.push_back(reader->get());
    db->readers_.push_back(std::move(*reader));
  }
  if (readers > 0) db->query_threads_ = std::make_unique<ThreadPool>(readers);
  return db;
}

Status Database::RunOnWriter(const Work& work, Mode mode) {
  if (HeldByThisThread(this) || t_writer_of == this) return NestedUse();
  std::lock_guard<std::mutex> lock(writer_mutex_);
  HoldGuard hold(this);
  switch (mode) {
    case Mode::kAutocommit:
      return work(*writer_);
    case Mode::kRead: {
      if (Status s = writer_->Exec("PRAGMA query_only=ON"); !s.ok()) return s;
      ScopeExit restore([this] { (void)writer_->Exec("PRAGMA query_only=OFF"); });
      return RunInTransaction(*writer_, "BEGIN", work);
    }
  }
  return MakeError("db_error", "unknown mode");
}

// One caller's work in a group commit.
struct Database::Pending {
  Work work;
  std::function<void(Status, std::exception_ptr)> done;
  Status status = Status::Ok();
  std::exception_ptr exception;
};

namespace {
constexpr size_t kMaxBatch = 256;
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
  if (HeldByThisThread(this) || t_writer_of == this) return NestedUse();
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
  t_writer_of = this;  // a Done that waited for the writer would wait for itself
  std::unique_lock<std::mutex> lock(completed_mutex_);
  while (true) {
    completed_ready_.wait(lock, [this] { return writer_done_ || !completed_.empty(); });
    if (completed_.empty()) return;  // the writer has stopped, and nothing is left
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

void Database::WriterLoop() {
  t_writer_of = this;
  std::unique_lock<std::mutex> lock(queue_mutex_);
  while (true) {
    queue_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to commit
    // Everything that arrived while the previous batch was committing goes
    // into this one: that is what shares the fsync.
    const size_t n = std::min(queue_.size(), kMaxBatch);
    std::vector<std::unique_ptr<Pending>> batch;
    batch.reserve(n);
    std::move(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n),
              std::back_inserter(batch));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    RunBatch(batch);
    NoteHealth(batch);
    {
      std::lock_guard<std::mutex> done_lock(completed_mutex_);
      completed_.push_back(std::move(batch));
    }
    completed_ready_.notify_one();
    lock.lock();
  }
}

void Database::RunBatch(const std::vector<std::unique_ptr<Pending>>& batch) {
  std::lock_guard<std::mutex> writer_lock(writer_mutex_);
  HoldGuard hold(this);
  auto fail_all = [&](const Status& st) {
    for (const auto& p : batch) {
      if (p->status.ok() && !p->exception) p->status = st;
    }
  };
  if (Status s = writer_->ExecCached("BEGIN IMMEDIATE"); !s.ok()) return fail_all(s);
  RollbackGuard guard(*writer_);
  for (const auto& p : batch) {
    if (Status s = writer_->ExecCached("SAVEPOINT work"); !s.ok()) return fail_all(s);
    try {
      p->status = p->work(*writer_);
    } catch (...) {
      p->exception = std::current_exception();
    }
    // Some errors (I/O, out of memory) make SQLite roll back the whole
    // transaction on its own: then nothing of the batch can be committed.
    if (!writer_->InTransaction()) {
      return fail_all(
          MakeError("db_error", "the transaction was rolled back by SQLite after an error"));
    }
    if (!p->status.ok() || p->exception) {
      if (Status s = writer_->ExecCached("ROLLBACK TO work"); !s.ok()) return fail_all(s);
    }
    if (Status s = writer_->ExecCached("RELEASE work"); !s.ok()) return fail_all(s);
  }
  if (Status s = writer_->ExecCached("COMMIT"); !s.ok()) fail_all(s);
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
        return conn.Exec(
            "CREATE TABLE IF NOT EXISTS store_health_probe(id INTEGER PRIMARY KEY, pad BLOB);"
            "INSERT INTO store_health_probe(pad) VALUES(zeroblob(4096));"
            "DELETE FROM store_health_probe;");
      },
      nullptr);
}

Status Database::Exec(std::string_view sql) {
  return RunOnWriter([sql](Connection& conn) { return conn.Exec(sql); }, Mode::kAutocommit);
}

Status Database::Read(const Work& work) {
  if (readers_.empty()) return RunOnWriter(work, Mode::kRead);
  if (HeldByThisThread(this)) return NestedUse();
  Connection* reader = AcquireReader();
  ScopeExit release([this, reader] { ReleaseReader(reader); });
  HoldGuard hold(this);
  return RunInTransaction(*reader, "BEGIN", work);
}

void Database::Query(Work work, Done done) {
  // An in-memory database has no readers: its reads go through the writer.
  if (!query_threads_) return Submit(std::move(work), std::move(done));
  query_threads_->Post([this, work = std::move(work), done = std::move(done)]() {
    Status status = Status::Ok();
    try {
      status = Read(work);
    } catch (const std::exception& e) {
      LogError("db_work_exception", {{"error", e.what()}});
      status = MakeError("db_error", std::string("the storage read failed: ") + e.what());
    } catch (...) {
      LogError("db_work_exception", {{"error", "non-standard exception"}});
      status = MakeError("db_error", "the storage read failed");
    }
    if (done) done(std::move(status));
  });
}

Connection* Database::AcquireReader() {
  std::unique_lock<std::mutex> lock(readers_mutex_);
  reader_free_.wait(lock, [this] { return !idle_readers_.empty(); });
  Connection* conn = idle_readers_.back();
  idle_readers_.pop_back();
  return conn;
}

void Database::ReleaseReader(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    idle_readers_.push_back(conn);
  }
  reader_free_.notify_one();
}

bool IsUniqueViolation(const Error& error) {
  if (error.code != kDbConstraint) return false;
  const std::string& m = error.message;
  return m.find("[SQLITE_CONSTRAINT_UNIQUE]") != std::string::npos ||
         m.find("[SQLITE_CONSTRAINT_PRIMARYKEY]") != std::string::npos;
}

}  // namespace vc::common
