// What only PostgreSQL does: a server that is not there, connections lost at
// run time and recovered, deadlocks between instances, statements failing
// inside a work.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/store/store.h"
#include "support/store_queries.h"
#include "support/test_database.h"

namespace vc::common {
namespace {

using vc::testing::QueryInt;
using vc::testing::TestBackend;

class PgStoreTest : public vc::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(postgres());
  }
  // Ends every connection of this test's database from another session, as
  // a server restart or a failover would.
  void TerminateConnections() {
    auto admin = Database::OpenPostgres(vc::testing::TestPostgresUrl(), PostgresOptions{2, 5});
    ASSERT_TRUE(admin.ok()) << admin.error().message;
    Status s = (*admin)->Exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" +
        schema() + "'");
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  std::string schema() const {
    const std::string url = store_->url();
    return url.substr(url.rfind('=') + 1);
  }
};

TEST(PgStore, UnreachableServerIsUnavailable) {
  auto db = Database::OpenPostgres("postgresql://vc@127.0.0.1:1/vc", PostgresOptions{2, 2});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_unavailable");
  EXPECT_TRUE(IsUnavailable(db.error()));
  EXPECT_NE(db.error().message.find("cannot connect to PostgreSQL"), std::string::npos)
      << db.error().message;
}

TEST(PgStore, PoolNeedsAWriterAndAReader) {
  auto db = Database::OpenPostgres("postgresql://vc@127.0.0.1:1/vc", PostgresOptions{1, 2});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, "db_error");
}

// A lost connection fails what runs on it with "db_unavailable", never
// commits half of it, and comes back by itself once the server answers.
TEST_P(PgStoreTest, LostConnectionsAreUnavailableThenRecover) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db().Exec("INSERT INTO t VALUES(1)").ok());
  TerminateConnections();
  auto insert = [&](int k) {
    return db().Transaction([k](Connection& conn) -> Status {
      if (Status s = conn.Exec("INSERT INTO t VALUES(" + std::to_string(k) + ")"); !s) return s;
      return conn.Exec("INSERT INTO t VALUES(" + std::to_string(k + 1000) + ")");
    });
  };
  Status first = insert(2);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().code, "db_unavailable") << first.error().message;
  Status read = db().Read([](Connection& conn) { return conn.Exec("SELECT 1"); });
  if (!read.ok()) {
    EXPECT_EQ(read.error().code, "db_unavailable") << read.error().message;
  }
  // Reconnection is attempted with a backoff of 100 ms first.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  Status again = insert(3);
  while (!again.ok() && std::chrono::steady_clock::now() < deadline) {
    ASSERT_EQ(again.error().code, "db_unavailable") << again.error().message;
    std::this_thread::yield();
    again = insert(3);
  }
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), 3);  // 1, 3, 1003: nothing of 2
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t WHERE k IN (2, 1002)"), 0);
}

// PostgreSQL refuses every statement after a failed one until a rollback; a
// work that swallowed such a failure must not be reported as committed.
TEST_P(PgStoreTest, SwallowedStatementFailureFailsTheWork) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  Status s = db().Transaction([](Connection& conn) -> Status {
    (void)conn.Exec("INSERT INTO nowhere VALUES(1)");
    (void)conn.Exec("INSERT INTO t VALUES(1)");
    return Status::Ok();
  });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), 0);
  EXPECT_TRUE(db().Exec("INSERT INTO t VALUES(2)").ok());
}

// Two instances lock two rows in opposite orders: PostgreSQL fails one of
// them to break the deadlock, and the store runs that work again in a new
// transaction, so both succeed.
TEST_P(PgStoreTest, ConcurrentDeadlockBetweenInstancesIsRetried) {
  auto other = store().Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(db().Exec("CREATE TABLE r(id BIGINT PRIMARY KEY, n BIGINT)").ok());
  ASSERT_TRUE(db().Exec("INSERT INTO r VALUES(1, 0), (2, 0)").ok());
  std::mutex mu;
  std::condition_variable cv;
  int first_locks = 0;  // works that hold their first row (counted once each)
  auto work = [&](int first, int second, bool* counted) {
    return [&, first, second, counted](Connection& conn) -> Status {
      auto bump = [&conn](int id) {
        return conn.Exec("UPDATE r SET n = n + 1 WHERE id = " + std::to_string(id));
      };
      if (Status s = bump(first); !s) return s;
      {
        std::unique_lock lock(mu);
        if (!*counted) {
          *counted = true;
          ++first_locks;
          cv.notify_all();
        }
        cv.wait(lock, [&] { return first_locks == 2; });
      }
      return bump(second);
    };
  };
  bool a_counted = false, b_counted = false;
  Status a = Status::Ok(), b = Status::Ok();
  std::thread ta([&] { a = db().Transaction(work(1, 2, &a_counted)); });
  std::thread tb([&] { b = other->Transaction(work(2, 1, &b_counted)); });
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok()) << a.error().message;
  EXPECT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(QueryInt(db(), "SELECT SUM(n) FROM r"), 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, PgStoreTest, ::testing::Values(TestBackend::kPostgresql),
                         vc::testing::BackendName);

}  // namespace
}  // namespace vc::common
