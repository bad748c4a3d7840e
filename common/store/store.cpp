#include "common/store/store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

#include "common/base/log.h"
#include "common/store/internal/database_internal.h"
#include "common/store/internal/pg_connection.h"
#include "common/store/internal/sqlite_checkpointer.h"
#include "common/store/internal/sqlite_connection.h"

namespace vc::common {
using detail::HoldGuard;
using detail::NestedUse;

namespace {

bool HeldByThisThread(const Database* db) { return detail::HeldByThisThread(db); }

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

Status RunInTransaction(Connection& conn, const char* begin, const Database::Work& work) {
  if (Status s = conn.Ready(); !s.ok()) return s;
  if (Status s = conn.ExecCached(begin); !s.ok()) return s;
  detail::RollbackGuard guard(conn);
  if (Status s = work(conn); !s.ok()) return s;
  if (Status s = detail::CheckStillOpen(conn); !s.ok()) return s;
  return conn.ExecCached("COMMIT");
}

}  // namespace

Database::Database(Engine engine, std::string path,
                   std::vector<std::unique_ptr<Connection>> writers)
    : engine_(engine), path_(std::move(path)), completion_thread_([this] { CompletionLoop(); }) {
  for (auto& conn : writers) {
    auto w = std::make_unique<Writer>();
    w->conn = std::move(conn);
    writers_.push_back(std::move(w));
  }
  for (auto& w : writers_) w->thread = std::thread([this, w = w.get()] { WriterLoop(*w); });
}

Database::~Database() {
  query_threads_.reset();  // runs the queries still queued
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  for (auto& w : writers_) w->thread.join();  // commit what is queued and hand their Dones on
  {
    std::lock_guard<std::mutex> lock(completed_mutex_);
    writers_done_ = true;
  }
  completed_ready_.notify_one();
  completion_thread_.join();  // runs the last Dones
  if (hold_fd_ >= 0) ::close(hold_fd_);
}

// A lock file beside the database, not a flock on the database itself: closing
// any descriptor of the database file drops the POSIX locks SQLite holds on it
// in this process.
Status Database::HoldExclusively() {
  if (engine_ != Engine::kSqlite) {
    return MakeError("db_error", "a PostgreSQL database is shared; it cannot be held");
  }
  std::lock_guard<std::mutex> lock(hold_mutex_);
  if (hold_fd_ >= 0 || path_.empty() || path_ == ":memory:") return Status::Ok();
  const std::string lock_path = path_ + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return MakeError("db_error", "open " + lock_path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return MakeError("database_in_use",
                       path_ + " is in use by another vcserver (it holds " + lock_path +
                           "); a SQLite database serves one instance, PostgreSQL several");
    }
    return MakeError("db_error", "lock " + lock_path + ": " + std::strerror(err));
  }
  hold_fd_ = fd;
  return Status::Ok();
}

Status Database::AddReaders(std::vector<std::unique_ptr<Connection>> readers) {
  for (auto& reader : readers) {
    idle_readers_.push_back(reader.get());
    readers_.push_back(std::move(reader));
  }
  if (!readers_.empty())
    query_threads_ = std::make_unique<ThreadPool>(static_cast<int>(readers_.size()));
  return Status::Ok();
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  using detail::SqliteConnection;
  auto writer =
      SqliteConnection::Open(path, options.create, options.busy_timeout_ms, options.full_sync);
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
  // Checkpoints run on a thread of their own (sqlite_checkpointer.h), once the
  // WAL holds 4,000 pages (16 MiB) rather than SQLite's 1,000: a checkpoint
  // copies each page once, so the more commits it spans, the more rewrites of
  // one page (a table's tail, an index leaf that took several keys) it saves.
  // More pages save more CPU (10,000: ~4% more jumpstarts) but make the
  // database file's fsync a burst that the WAL's fsyncs queue behind (p99).
  std::unique_ptr<detail::SqliteCheckpointer> checkpointer;
  if (!in_memory) {
    auto started = detail::SqliteCheckpointer::Start(path, options.busy_timeout_ms,
                                                     options.full_sync, options.checkpoint_pages);
    if (!started.ok()) return started.error();
    checkpointer = std::move(*started);
    checkpointer->Watch(**writer);
  }
  std::vector<std::unique_ptr<Connection>> readers;
  const int count = in_memory ? 0 : std::max(0, options.read_connections);
  for (int i = 0; i < count; ++i) {
    auto reader = SqliteConnection::Open(path, false, options.busy_timeout_ms, options.full_sync);
    if (!reader.ok()) return reader.error();
    if (Status s = (*reader)->Exec("PRAGMA query_only=ON"); !s.ok()) return s.error();
    readers.push_back(std::move(*reader));
  }
  std::vector<std::unique_ptr<Connection>> writers;
  writers.push_back(std::move(*writer));
  std::unique_ptr<Database> db(new Database(Engine::kSqlite, path, std::move(writers)));
  db->checkpointer_ = std::move(checkpointer);
  (void)db->AddReaders(std::move(readers));
  return db;
}

Result<std::unique_ptr<Database>> Database::OpenPostgres(const std::string& url,
                                                         const PostgresOptions& options) {
  if (options.pool_size < 2) {
    return MakeError("db_error", "a PostgreSQL pool needs at least 2 connections");
  }
  const int writer_count = options.pool_size < 4 ? 1 : 2;
  detail::PgConnectOptions connect{url, options.connect_timeout_seconds, false};
  std::vector<std::unique_ptr<Connection>> writers;
  for (int i = 0; i < writer_count; ++i) {
    auto conn = detail::PgConnection::Open(connect);
    if (!conn.ok()) return conn.error();
    writers.push_back(std::move(*conn));
  }
  connect.read_only = true;
  std::vector<std::unique_ptr<Connection>> readers;
  for (int i = writer_count; i < options.pool_size; ++i) {
    auto conn = detail::PgConnection::Open(connect);
    if (!conn.ok()) return conn.error();
    readers.push_back(std::move(*conn));
  }
  std::unique_ptr<Database> db(
      new Database(Engine::kPostgresql, RedactDatabaseUrl(url), std::move(writers)));
  (void)db->AddReaders(std::move(readers));
  return db;
}

const char* Database::BeginWrite() const {
  // SQLite: take the write lock at BEGIN, not at the first write, so a work's
  // reads already see no other writer.
  return engine_ == Engine::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
}

const char* Database::BeginRead() const {
  return engine_ == Engine::kSqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
}

Status Database::RunOnWriter(const Work& work, Mode mode) {
  if (HeldByThisThread(this) || detail::IsWriterThreadOf(this)) return NestedUse();
  Writer& w = *writers_.front();
  std::lock_guard<std::mutex> lock(w.mu);
  HoldGuard hold(this);
  if (Status s = w.conn->Ready(); !s.ok()) return s;
  switch (mode) {
    case Mode::kAutocommit:
      return work(*w.conn);
    case Mode::kRead: {  // SQLite in memory only: it has no readers
      if (Status s = w.conn->Exec("PRAGMA query_only=ON"); !s.ok()) return s;
      ScopeExit restore([&w] { (void)w.conn->Exec("PRAGMA query_only=OFF"); });
      return RunInTransaction(*w.conn, BeginRead(), work);
    }
  }
  return MakeError("db_error", "unknown mode");
}

Status Database::Exec(std::string_view sql) {
  return RunOnWriter([sql](Connection& conn) { return conn.Exec(sql); }, Mode::kAutocommit);
}

Status Database::ReadOn(Connection& conn, const Work& work) {
  return RunInTransaction(conn, BeginRead(), work);
}

Status Database::Read(const Work& work) {
  if (readers_.empty()) return RunOnWriter(work, Mode::kRead);
  if (HeldByThisThread(this)) return NestedUse();
  Connection* reader = AcquireReader();
  ScopeExit release([this, reader] { ReleaseReader(reader); });
  HoldGuard hold(this);
  return ReadOn(*reader, work);
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

}  // namespace vc::common
