#include "common/store/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/store_queries.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace vc::common {
namespace {

using vc::testing::BackendTest;
using vc::testing::QueryInt;
using vc::testing::QueryText;
using vc::testing::TempDir;

std::unique_ptr<Database> OpenOrDie(const std::string& path, DatabaseOptions options = {}) {
  auto db = Database::Open(path, options);
  EXPECT_TRUE(db.ok()) << db.error().message;
  return db.ok() ? std::move(*db) : nullptr;
}

// ---- SQLite only: the file, its pragmas, in-memory databases -------------

TEST(Store, OpensCreatesFileAndEnablesWal) {
  TempDir dir;
  auto db = OpenOrDie(dir.File("vc.db"));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->engine(), Engine::kSqlite);
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

// The writer loop copies the WAL's last pages between two batches: without
// that, the WAL of 600 one-page commits would grow to all 600 pages.
TEST(Store, TheWriterStartsTheWalOver) {
  TempDir dir;
  DatabaseOptions options;
  options.checkpoint_pages = 8;
  auto db = OpenOrDie(dir.File("vc.db"), options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Transaction([](Connection& c) { return c.Exec("CREATE TABLE t(v BLOB)"); }).ok());
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(db->Transaction([](Connection& c) {
                    return c.Exec("INSERT INTO t VALUES(zeroblob(3000))");
                  }).ok());
  }
  EXPECT_LT(std::filesystem::file_size(dir.File("vc.db-wal")), 400 * (4096 + 24));
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 600);
}

TEST(Store, OpenWithoutCreateFailsOnMissingFile) {
  TempDir dir;
  DatabaseOptions options;
  options.create = false;
  auto db = Database::Open(dir.File("missing.db"), options);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_error");
  EXPECT_FALSE(std::filesystem::exists(dir.File("missing.db")));
}

TEST(Store, OpenFailsWhenDirectoryIsMissing) {
  TempDir dir;
  auto db = Database::Open(dir.File("no/such/dir/vc.db"));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_error");
}

TEST(Store, InMemoryReadRefusesWritesAndWriterRecovers) {
  auto memory = OpenOrDie(":memory:");
  ASSERT_TRUE(memory->Exec("CREATE TABLE t(n INTEGER)").ok());
  Status s = memory->Read([](Connection& conn) { return conn.Exec("INSERT INTO t VALUES(1)"); });
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(memory->Exec("INSERT INTO t VALUES(1)").ok());  // query_only was lifted again
}

TEST(Store, RedactsPasswordsOfDatabaseUrls) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://vc:s3cret@db.example:5432/vc?sslmode=require"),
            "postgresql://vc:***@db.example:5432/vc?sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("host=db user=vc password='a b' dbname=vc"),
            "host=db user=vc password=*** dbname=vc");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://db/vc?user=vc&password=x&sslmode=require"),
            "postgresql://db/vc?user=vc&password=***&sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://vc@db/vc"), "postgresql://vc@db/vc");
}

// ---- Both engines ---------------------------------------------------------

class StoreTest : public BackendTest {};

TEST_P(StoreTest, BindStepAndColumns) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k TEXT PRIMARY KEY, n BIGINT, b " +
                        std::string(postgres() ? "BYTEA" : "BLOB") + ", z TEXT)")
                  .ok());
  const std::string blob("\x00\x01\xff", 3);
  Status s = db().Transaction([&](Connection& conn) -> Status {
    auto st = conn.Cached("INSERT INTO t(k, n, b, z) VALUES(:k, :n, ?3, ?4)");
    if (!st.ok()) return st.error();
    if (Status r = st->BindText(":k", "a").BindInt64(":n", -5).BindBlob(3, blob).BindNull(4).Run();
        !r.ok()) {
      return r;
    }
    EXPECT_EQ(conn.Changes(), 1);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;

  s = db().Read([&](Connection& conn) -> Status {
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

// The shared dialect: a repeated :name is one parameter; a '?' or ':x' inside
// quotes is text; RETURNING and ON CONFLICT behave alike on both engines.
TEST_P(StoreTest, SharedDialectParametersReturningAndUpsert) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT, n BIGINT)").ok());
  Status s = db().Transaction([](Connection& conn) -> Status {
    auto ins = conn.Cached(
        "INSERT INTO t(k, v, n) VALUES(:k, 'what? :no', :n) ON CONFLICT(k) DO UPDATE "
        "SET n = t.n + excluded.n RETURNING n");
    if (!ins.ok()) return ins.error();
    for (int64_t expect : {2, 4}) {
      auto row = ins->BindText(":k", "a").BindInt64(":n", 2).Step();
      if (!row.ok()) return row.error();
      EXPECT_TRUE(*row);
      EXPECT_EQ(ins->ColumnInt64(0), expect);
      ins->Reset();
    }
    auto skip = conn.Cached("INSERT INTO t(k, v, n) VALUES(?, ?, ?) ON CONFLICT DO NOTHING");
    if (!skip.ok()) return skip.error();
    if (Status r = skip->BindText(1, "a").BindText(2, "x").BindInt64(3, 9).Run(); !r.ok()) return r;
    EXPECT_EQ(conn.Changes(), 0);
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(QueryText(db(), "SELECT v FROM t WHERE k = 'a'"), "what? :no");
  EXPECT_EQ(QueryInt(db(), "SELECT n FROM t WHERE k = 'a'"), 4);
}

TEST_P(StoreTest, EmptyBlobIsNotNull) {
  ASSERT_TRUE(db().Exec(postgres() ? "CREATE TABLE t(b BYTEA)" : "CREATE TABLE t(b BLOB)").ok());
  Status s = db().Transaction([](Connection& conn) -> Status {
    auto st = conn.Prepare("INSERT INTO t(b) VALUES(?)");
    if (!st.ok()) return st.error();
    return st->BindBlob(1, "").Run();
  });
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM t WHERE b IS NOT NULL AND length(b) = 0"), 1);
}

TEST_P(StoreTest, BindErrorsAreReportedByStep) {
  Status s = db().Transaction([](Connection& conn) -> Status {
    auto st = conn.Prepare("SELECT 1 WHERE ?1 = 'x'");
    if (!st.ok()) return st.error();
    return st->BindText(":missing", "x").Run();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  EXPECT_NE(s.error().message.find(":missing"), std::string::npos);

  s = db().Transaction([](Connection& conn) -> Status {
    auto st = conn.Prepare("SELECT 1 WHERE ?1 = 'x'");
    if (!st.ok()) return st.error();
    return st->BindInt64(7, 1).Run();  // out of range
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
}

TEST_P(StoreTest, BadSqlIsDbError) {
  Status s = db().Exec("CREATE TABL oops");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  EXPECT_NE(s.error().message.find("syntax error"), std::string::npos) << s.error().message;
}

TEST_P(StoreTest, UniqueViolationIsDbConstraint) {
  ASSERT_TRUE(db().Exec("CREATE TABLE used(org TEXT, rid TEXT, n TEXT NOT NULL,"
                        " PRIMARY KEY(org, rid))")
                  .ok());
  auto insert = [&](const char* rid, const char* n) {
    return db().Transaction([&](Connection& conn) -> Status {
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

TEST_P(StoreTest, ForeignKeysAreEnforced) {
  ASSERT_TRUE(db().Exec("CREATE TABLE p(id BIGINT PRIMARY KEY);"
                        "CREATE TABLE c(p BIGINT REFERENCES p(id))")
                  .ok());
  Status s = db().Exec("INSERT INTO c(p) VALUES(42)");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_constraint");
}

TEST_P(StoreTest, FailedWorkRollsBack) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(n BIGINT)").ok());
  Status s = db().Transaction([](Connection& conn) -> Status {
    if (Status e = conn.Exec("INSERT INTO t VALUES(1)"); !e.ok()) return e;
    return MakeError("test_error", "changed my mind");
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "test_error");
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM t"), 0);
}

TEST_P(StoreTest, ExceptionInWorkRollsBackAndPropagates) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(n BIGINT)").ok());
  EXPECT_THROW((void)db().Transaction([](Connection& conn) -> Status {
    (void)conn.Exec("INSERT INTO t VALUES(1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM t"), 0);
  // The writer is usable again afterwards.
  EXPECT_TRUE(db().Exec("INSERT INTO t VALUES(2)").ok());
}

TEST_P(StoreTest, NestedUseIsAnErrorNotADeadlock) {
  Status inner = Status::Ok();
  Status outer = db().Transaction([&](Connection&) -> Status {
    inner = db().Exec("SELECT 1");
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, "db_error");
  EXPECT_NE(inner.error().message.find("nested"), std::string::npos);

  Status read_inner = Status::Ok();
  EXPECT_TRUE(db().Read([&](Connection&) -> Status {
                    read_inner = db().Read([](Connection&) { return Status::Ok(); });
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_FALSE(read_inner.ok());
}

TEST_P(StoreTest, ReadRefusesWrites) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(n BIGINT)").ok());
  Status s = db().Read([](Connection& conn) { return conn.Exec("INSERT INTO t VALUES(1)"); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM t"), 0);
}

TEST_P(StoreTest, CachedStatementInUseIsPreparedAnew) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(n BIGINT)").ok());
  ASSERT_TRUE(db().Exec("INSERT INTO t VALUES(1),(2)").ok());
  Status s = db().Transaction([](Connection& conn) -> Status {
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

TEST_P(StoreTest, DataSurvivesCloseAndReopen) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k TEXT)").ok());
  ASSERT_TRUE(db().Exec("INSERT INTO t VALUES('kept')").ok());
  Reopen();
  EXPECT_EQ(QueryText(db(), "SELECT k FROM t"), "kept");
}

TEST_P(StoreTest, ConcurrentClaimsOfOneKeyExactlyOneWins) {
  ASSERT_TRUE(db().Exec("CREATE TABLE used(org TEXT, rid TEXT, PRIMARY KEY(org, rid))").ok());
  constexpr int kThreads = 64;
  std::atomic<int> won{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      Status s = db().Transaction([](Connection& conn) -> Status {
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
// database (as two processes would), with readers running alongside: no
// update is lost and nobody sees "database is locked". ForUpdate() is what
// makes the read wait for a concurrent writer on PostgreSQL.
TEST_P(StoreTest, ConcurrentTransactionsNeverLoseUpdatesOrReportBusy) {
  auto other = store().Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(db().Exec("CREATE TABLE c(id BIGINT PRIMARY KEY, n BIGINT)").ok());
  ASSERT_TRUE(db().Exec("INSERT INTO c VALUES(1, 0)").ok());
  constexpr int kThreads = 16, kRounds = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    Database* db = i % 2 == 0 ? db_.get() : other.get();
    threads.emplace_back([&failures, db] {
      for (int r = 0; r < kRounds; ++r) {
        Status s = db->Transaction([](Connection& conn) -> Status {
          auto read = conn.Cached("SELECT n FROM c WHERE id = 1" + std::string(conn.ForUpdate()));
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
  EXPECT_EQ(QueryInt(db(), "SELECT n FROM c WHERE id = 1"), kThreads * kRounds);
}

VC_INSTANTIATE_BACKENDS(StoreTest);

}  // namespace
}  // namespace vc::common
