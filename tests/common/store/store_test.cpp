#include "common/store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace vc::common {
namespace {

using vc::testing::TempDir;

std::unique_ptr<Database> OpenOrDie(const std::string& path, DatabaseOptions options = {}) {
  auto db = Database::Open(path, options);
  EXPECT_TRUE(db.ok()) << db.error().message;
  return db.ok() ? std::move(*db) : nullptr;
}

// Reads one integer with a query on a reader connection.
int64_t QueryInt(Database& db, const std::string& sql) {
  int64_t value = -1;
  Status s = db.Read([&](Connection& conn) -> Status {
    auto st = conn.Prepare(sql);
    if (!st.ok()) return st.error();
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (*row) value = st->ColumnInt64(0);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return value;
}

std::string QueryText(Database& db, const std::string& sql) {
  std::string value;
  Status s = db.Read([&](Connection& conn) -> Status {
    auto st = conn.Prepare(sql);
    if (!st.ok()) return st.error();
    auto row = st->Step();
    if (!row.ok()) return row.error();
    if (*row) value = st->ColumnText(0);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return value;
}

TEST(Store, OpensCreatesFileAndEnablesWal) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(dir.File("vc.db")));
  EXPECT_EQ(QueryText(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(QueryInt(*db, "PRAGMA synchronous"), 2);  // FULL
}

TEST(Store, NormalSyncWhenAskedFor) {
  TempDir dir;
  DatabaseOptions options;
  options.full_sync = false;
  auto db = OpenOrDie(dir.File("vc.db"), options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(QueryInt(*db, "PRAGMA synchronous"), 1);  // NORMAL
}

TEST(Store, OpenWithoutCreateFailsOnMissingFile) {
  TempDir dir;
  DatabaseOptions options;
  options.create = false;
  auto db = Database::Open(dir.File("missing.db"), options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_error");
}

TEST(Store, OpenFailsWhenDirectoryIsMissing) {
  TempDir dir;
  auto db = Database::Open(dir.File("no/such/dir/vc.db"));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_error");
}

TEST(Store, BindStepAndColumns) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(k TEXT PRIMARY KEY, n INTEGER, b BLOB, z TEXT)").ok());
  const std::string blob("\x00\x01\xff", 3);
  Status s = db->Transaction([&](Connection& conn) -> Status {
    auto st = conn.Cached("INSERT INTO t(k, n, b, z) VALUES(:k, :n, ?3, ?4)");
    if (!st.ok()) return st.error();
    if (Status r = st->BindText(":k", "a").BindInt64(":n", -5).BindBlob(3, blob).BindNull(4).Run();
        !r.ok()) {
      return r;
    }
    EXPECT_EQ(conn.Changes(), 1);
    EXPECT_GT(conn.LastInsertRowId(), 0);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;

  s = db->Read([&](Connection& conn) -> Status {
    auto st = conn.Prepare("SELECT k, n, b, z FROM t WHERE k = ?");
    if (!st.ok()) return st.error();
    auto row = st->BindText(1, "a").Step();
    EXPECT_TRUE(row.ok() && *row);
    EXPECT_EQ(st->ColumnCount(), 4);
    EXPECT_EQ(st->ColumnText(0), "a");
    EXPECT_EQ(st->ColumnInt64(1), -5);
    EXPECT_EQ(st->ColumnBlob(2), blob);
    EXPECT_TRUE(st->ColumnIsNull(3));
    EXPECT_EQ(st->ColumnText(3), "");
    row = st->Step();
    EXPECT_TRUE(row.ok() && !*row);
    st->Reset();
    row = st->BindText(1, "none").Step();
    EXPECT_TRUE(row.ok() && !*row);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
}

TEST(Store, EmptyBlobIsNotNull) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(b BLOB)").ok());
  Status s = db->Transaction([](Connection& conn) -> Status {
    auto st = conn.Prepare("INSERT INTO t(b) VALUES(?)");
    if (!st.ok()) return st.error();
    return st->BindBlob(1, "").Run();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t WHERE b IS NOT NULL AND length(b) = 0"), 1);
}

TEST(Store, BindErrorsAreReportedByStep) {
  auto db = OpenOrDie(":memory:");
  Status s = db->Transaction([](Connection& conn) -> Status {
    auto st = conn.Prepare("SELECT ?1");
    if (!st.ok()) return st.error();
    return st->BindText(":missing", "x").Run();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  EXPECT_NE(s.error().message.find(":missing"), std::string::npos);

  s = db->Transaction([](Connection& conn) -> Status {
    auto st = conn.Prepare("SELECT ?1");
    if (!st.ok()) return st.error();
    return st->BindInt64(7, 1).Run();  // out of range
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
}

TEST(Store, BadSqlIsDbError) {
  auto db = OpenOrDie(":memory:");
  Status s = db->Exec("CREATE TABL oops");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  EXPECT_NE(s.error().message.find("syntax error"), std::string::npos);
}

TEST(Store, UniqueViolationIsDbConstraint) {
  auto db = OpenOrDie(":memory:");
  ASSERT_TRUE(db->Exec("CREATE TABLE used(org TEXT, rid TEXT, n TEXT NOT NULL,"
                       " PRIMARY KEY(org, rid))")
                  .ok());
  auto insert = [&](const char* rid, const char* n) {
    return db->Transaction([&](Connection& conn) -> Status {
      auto st = conn.Cached("INSERT INTO used(org, rid, n) VALUES('contoso', ?, ?)");
      if (!st.ok()) return st.error();
      st->BindText(1, rid);
      if (n == nullptr) {
        st->BindNull(2);
      } else {
        st->BindText(2, n);
      }
      return st->Run();
    });
  };
  ASSERT_TRUE(insert("r1", "x").ok());
  Status dup = insert("r1", "x");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "db_constraint");
  EXPECT_TRUE(IsUniqueViolation(dup.error())) << dup.error().message;

  Status not_null = insert("r2", nullptr);
  ASSERT_FALSE(not_null.ok());
  EXPECT_EQ(not_null.error().code, "db_constraint");
  EXPECT_FALSE(IsUniqueViolation(not_null.error())) << not_null.error().message;
}

TEST(Store, ForeignKeysAreEnforced) {
  auto db = OpenOrDie(":memory:");
  ASSERT_TRUE(db->Exec("CREATE TABLE p(id INTEGER PRIMARY KEY);"
                       "CREATE TABLE c(p INTEGER REFERENCES p(id))")
                  .ok());
  Status s = db->Exec("INSERT INTO c(p) VALUES(42)");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_constraint");
}

TEST(Store, FailedWorkRollsBack) {
  auto db = OpenOrDie(":memory:");
  ASSERT_TRUE(db->Exec("CREATE TABLE t(n INTEGER)").ok());
  Status s = db->Transaction([](Connection& conn) -> Status {
    if (Status e = conn.Exec("INSERT INTO t VALUES(1)"); !e.ok()) return e;
    return MakeError("test_error", "changed my mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "test_error");
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 0);
}

TEST(Store, ExceptionInWorkRollsBackAndPropagates) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(n INTEGER)").ok());
  EXPECT_THROW((void)db->Transaction([](Connection& conn) -> Status {
    (void)conn.Exec("INSERT INTO t VALUES(1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 0);
  // The writer is usable again afterwards.
  EXPECT_TRUE(db->Exec("INSERT INTO t VALUES(2)").ok());
}

TEST(Store, NestedUseIsAnErrorNotADeadlock) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  Status inner = Status::Ok();
  Status outer = db->Transaction([&](Connection&) -> Status {
    inner = db->Exec("SELECT 1");
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, "db_error");
  EXPECT_NE(inner.error().message.find("nested"), std::string::npos);

  Status read_inner = Status::Ok();
  EXPECT_TRUE(db->Read([&](Connection&) -> Status {
                  read_inner = db->Read([](Connection&) { return Status::Ok(); });
                  return Status::Ok();
                }).ok());
  EXPECT_FALSE(read_inner.ok());
}

TEST(Store, ReadRefusesWrites) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(n INTEGER)").ok());
  Status s = db->Read([](Connection& conn) { return conn.Exec("INSERT INTO t VALUES(1)"); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");

  auto memory = OpenOrDie(":memory:");
  ASSERT_TRUE(memory->Exec("CREATE TABLE t(n INTEGER)").ok());
  s = memory->Read([](Connection& conn) { return conn.Exec("INSERT INTO t VALUES(1)"); });
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(memory->Exec("INSERT INTO t VALUES(1)").ok());  // query_only was lifted again
}

TEST(Store, CachedStatementInUseIsPreparedAnew) {
  auto db = OpenOrDie(":memory:");
  ASSERT_TRUE(db->Exec("CREATE TABLE t(n INTEGER); INSERT INTO t VALUES(1),(2)").ok());
  Status s = db->Transaction([](Connection& conn) -> Status {
    const char* sql = "SELECT n FROM t ORDER BY n";
    auto outer = conn.Cached(sql);
    auto inner = conn.Cached(sql);
    if (!outer.ok() || !inner.ok()) return MakeError("test_error", "prepare");
    EXPECT_TRUE(*outer->Step());
    EXPECT_TRUE(*inner->Step());
    EXPECT_TRUE(*outer->Step());
    EXPECT_EQ(outer->ColumnInt64(0), 2);
    EXPECT_EQ(inner->ColumnInt64(0), 1);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok());
}

TEST(Store, DataSurvivesCloseAndReopen) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.File("vc.db"));
    ASSERT_TRUE(db->Exec("CREATE TABLE t(k TEXT); INSERT INTO t VALUES('kept')").ok());
  }
  auto db = OpenOrDie(dir.File("vc.db"));
  EXPECT_EQ(QueryText(*db, "SELECT k FROM t"), "kept");
}

TEST(Store, ConcurrentClaimsOfOneKeyExactlyOneWins) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE used(org TEXT, rid TEXT, PRIMARY KEY(org, rid))").ok());
  constexpr int kThreads = 64;
  std::atomic<int> won{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      Status s = db->Transaction([](Connection& conn) -> Status {
        auto st = conn.Cached("INSERT INTO used(org, rid) VALUES(?, ?)");
        if (!st.ok()) return st.error();
        return st->BindText(1, "contoso").BindText(2, "request-1").Run();
      });
      if (s.ok()) {
        ++won;
      } else if (s.error().code == "db_constraint" && IsUniqueViolation(s.error())) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
}

// Read-modify-write from many threads, through two Database objects on one
// file (as two processes would), with readers running alongside: no update is
// lost and nobody sees "database is locked".
TEST(Store, ConcurrentTransactionsNeverLoseUpdatesOrReportBusy) {
  TempDir dir;
  DatabaseOptions options;
  options.full_sync = false;  // speed; durability is not what is tested here
  auto a = OpenOrDie(dir.File("vc.db"), options);
  auto b = OpenOrDie(dir.File("vc.db"), options);
  ASSERT_TRUE(a->Exec("CREATE TABLE c(id INTEGER PRIMARY KEY, n INTEGER);"
                      "INSERT INTO c VALUES(1, 0)")
                  .ok());
  constexpr int kThreads = 16, kRounds = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    Database* db = i % 2 == 0 ? a.get() : b.get();
    threads.emplace_back([&failures, db] {
      for (int r = 0; r < kRounds; ++r) {
        Status s = db->Transaction([](Connection& conn) -> Status {
          auto read = conn.Cached("SELECT n FROM c WHERE id = 1");
          if (!read.ok()) return read.error();
          auto row = read->Step();
          if (!row.ok()) return row.error();
          const int64_t n = read->ColumnInt64(0);
          auto write = conn.Cached("UPDATE c SET n = ? WHERE id = 1");
          if (!write.ok()) return write.error();
          return write->BindInt64(1, n + 1).Run();
        });
        Status q = db->Read([](Connection& conn) { return conn.Exec("SELECT n FROM c"); });
        if (!s.ok() || !q.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(QueryInt(*a, "SELECT n FROM c WHERE id = 1"), kThreads * kRounds);
}

}  // namespace
}  // namespace vc::common

namespace vc::common {
namespace {

// Group commit: concurrent transactions share one COMMIT, but each keeps its
// own outcome — a failing or throwing work undoes only its own changes.
TEST(StoreGroupCommit, ConcurrentWorksEachKeepTheirOwnOutcome) {
  vc::testing::TempDir dir;
  auto db = OpenOrDie(dir.File("g.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY)").ok());
  constexpr int kThreads = 48;
  std::vector<Status> results(kThreads);
  // Not vector<bool>: its elements share words, so writes from several threads
  // race (found by ./dev test --tsan).
  std::vector<char> threw(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = db->Transaction([i](Connection& conn) -> Status {
          auto st = conn.Cached("INSERT INTO t(k) VALUES(?)");
          if (!st.ok()) return st.error();
          if (Status s = st->BindInt64(1, i).Run(); !s.ok()) return s;
          if (i % 4 == 1) return MakeError("rejected", "work " + std::to_string(i) + " says no");
          if (i % 4 == 2) throw std::runtime_error("work threw");
          return Status::Ok();
        });
      } catch (const std::runtime_error&) {
        threw[i] = 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(threw[i] != 0, i % 4 == 2);
    if (i % 4 == 1) {
      ASSERT_FALSE(results[i].ok());
      EXPECT_EQ(results[i].error().code, "rejected");
    } else if (i % 4 != 2) {
      EXPECT_TRUE(results[i].ok()) << results[i].error().message;
    }
    EXPECT_EQ(QueryInt(*db, "SELECT COUNT(*) FROM t WHERE k = " + std::to_string(i)),
              (i % 4 == 1 || i % 4 == 2) ? 0 : 1);
  }
}

// Submit() returns at once; each done runs after the commit with its own work's
// outcome, and what it reports is already visible to readers.
TEST(ConcurrentStoreSubmit, DoneRunsAfterCommitWithEachWorksOutcome) {
  vc::testing::TempDir dir;
  auto db = OpenOrDie(dir.File("s.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY)").ok());
  constexpr int kWorks = 200;
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;
  std::vector<Status> results(kWorks);
  std::vector<int64_t> seen(kWorks, -1);
  for (int i = 0; i < kWorks; ++i) {
    const int key = i % 2 == 0 ? i : i - 1;  // odd works clash with the even one before
    db->Submit(
        [key](Connection& conn) -> Status {
          auto st = conn.Cached("INSERT INTO t(k) VALUES(?)");
          if (!st.ok()) return st.error();
          return st->BindInt64(1, key).Run();
        },
        [&, i, key](Status s) {
          // On the writer thread: a reader sees the committed row already.
          int64_t count = -1;
          (void)db->Read([&](Connection& conn) -> Status {
            auto q = conn.Prepare("SELECT COUNT(*) FROM t WHERE k = ?");
            if (!q.ok()) return q.error();
            q->BindInt64(1, key);
            auto row = q->Step();
            if (row.ok() && *row) count = q->ColumnInt64(0);
            return Status::Ok();
          });
          std::lock_guard lock(mu);
          results[i] = std::move(s);
          seen[i] = count;
          if (++finished == kWorks) cv.notify_all();
        });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return finished == kWorks; });
  for (int i = 0; i < kWorks; ++i) {
    SCOPED_TRACE(i);
    if (i % 2 == 0) {
      EXPECT_TRUE(results[i].ok()) << results[i].error().message;
    } else {
      ASSERT_FALSE(results[i].ok());
      EXPECT_TRUE(IsUniqueViolation(results[i].error()));
    }
    EXPECT_EQ(seen[i], 1);
  }
  lock.unlock();
  EXPECT_EQ(QueryInt(*db, "SELECT COUNT(*) FROM t"), kWorks / 2);
}

TEST(ConcurrentStoreSubmit, ExceptionInWorkIsADbErrorAndUndoesOnlyIt) {
  vc::testing::TempDir dir;
  auto db = OpenOrDie(dir.File("e.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY)").ok());
  std::promise<Status> threw, kept;
  db->Submit(
      [](Connection& conn) -> Status {
        (void)conn.Exec("INSERT INTO t(k) VALUES(1)");
        throw std::runtime_error("boom");
      },
      [&](Status s) { threw.set_value(std::move(s)); });
  db->Submit([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(2)"); },
             [&](Status s) { kept.set_value(std::move(s)); });
  const Status a = threw.get_future().get();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "db_error");
  EXPECT_TRUE(kept.get_future().get().ok());
  EXPECT_EQ(QueryInt(*db, "SELECT group_concat(k) FROM t"), 2);
}

// A Done runs on the writer thread: waiting there for the writer is refused,
// while queueing more work from it is fine.
TEST(ConcurrentStoreSubmit, TransactionFromDoneIsRefusedSubmitWorks) {
  vc::testing::TempDir dir;
  auto db = OpenOrDie(dir.File("d.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY)").ok());
  std::promise<Status> nested, chained;
  db->Submit([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(1)"); },
             [&](Status) {
               nested.set_value(db->Transaction([](Connection&) { return Status::Ok(); }));
               db->Submit([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(2)"); },
                          [&](Status s) { chained.set_value(std::move(s)); });
             });
  const Status n = nested.get_future().get();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, "db_error");
  EXPECT_TRUE(chained.get_future().get().ok());
  EXPECT_EQ(QueryInt(*db, "SELECT COUNT(*) FROM t"), 2);
}

// Works still queued when the Database goes away are committed, not dropped.
TEST(ConcurrentStoreSubmit, DestructionCommitsWhatIsQueued) {
  vc::testing::TempDir dir;
  const std::string path = dir.File("q.db");
  std::atomic<int> done{0};
  {
    auto db = OpenOrDie(path);
    ASSERT_TRUE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY)").ok());
    for (int i = 0; i < 50; ++i) {
      db->Submit(
          [i](Connection& conn) {
            return conn.Exec("INSERT INTO t(k) VALUES(" + std::to_string(i) + ")");
          },
          [&](Status s) {
            if (s.ok()) ++done;
          });
    }
  }
  EXPECT_EQ(done.load(), 50);
  auto db = OpenOrDie(path);
  EXPECT_EQ(QueryInt(*db, "SELECT COUNT(*) FROM t"), 50);
}

// Query() runs on a reader thread and returns at once; its done sees the
// snapshot the work read, writes are refused there, and a done may chain a
// Submit() whose own done then runs after its commit.
TEST(ConcurrentStoreQuery, ReadsOffTheCallerAndChainsAWrite) {
  vc::testing::TempDir dir;
  auto db = OpenOrDie(dir.File("r.db"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t(k) VALUES(1),(2),(3)").ok());
  const auto caller = std::this_thread::get_id();
  std::promise<Status> read_only;
  std::promise<std::pair<int64_t, Status>> chained;
  auto count = std::make_shared<int64_t>(-1);
  db->Query(
      [count, caller](Connection& conn) -> Status {
        if (std::this_thread::get_id() == caller) return MakeError("wrong_thread", "");
        auto q = conn.Prepare("SELECT COUNT(*) FROM t");
        if (!q.ok()) return q.error();
        auto row = q->Step();
        if (!row.ok()) return row.error();
        *count = q->ColumnInt64(0);
        return Status::Ok();
      },
      [&, count](Status s) {
        if (!s.ok()) return chained.set_value({-1, s});
        db->Submit(
            [count](Connection& conn) {
              return conn.Exec("INSERT INTO t(k) VALUES(" + std::to_string(*count + 1) + ")");
            },
            [&, count](Status w) {
              chained.set_value({*count, std::move(w)});
            });
      });
  db->Query([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(99)"); },
            [&](Status s) { read_only.set_value(std::move(s)); });
  const auto [seen, written] = chained.get_future().get();
  EXPECT_EQ(seen, 3);
  EXPECT_TRUE(written.ok()) << written.error().message;
  const Status refused = read_only.get_future().get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(QueryInt(*db, "SELECT COUNT(*) FROM t"), 4);
}

TEST(ConcurrentStoreQuery, ExceptionInAReadIsADbError) {
  vc::testing::TempDir dir;
  auto db = OpenOrDie(dir.File("x.db"));
  std::promise<Status> result;
  db->Query([](Connection&) -> Status { throw std::runtime_error("boom"); },
            [&](Status s) { result.set_value(std::move(s)); });
  const Status s = result.get_future().get();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
}

}  // namespace
}  // namespace vc::common
