// The writers' group commit, Submit() and Query(), on both engines.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/store/store.h"
#include "support/store_queries.h"
#include "support/test_database.h"

namespace vc::common {
namespace {

using vc::testing::BackendTest;
using vc::testing::QueryInt;

class ConcurrentStoreTest : public BackendTest {};

// Group commit: concurrent transactions share one COMMIT, but each keeps its
// own outcome — a failing or throwing work undoes only its own changes.
TEST_P(ConcurrentStoreTest, GroupCommitWorksEachKeepTheirOwnOutcome) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  constexpr int kThreads = 48;
  std::vector<Status> results(kThreads);
  // Not vector<bool>: its elements share words, so writes from several threads
  // race (found by ./dev test --tsan).
  std::vector<char> threw(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      try {
        results[i] = db().Transaction([i](Connection& conn) -> Status {
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
    EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t WHERE k = " + std::to_string(i)),
              (i % 4 == 1 || i % 4 == 2) ? 0 : 1);
  }
}

// Submit() returns at once; each done runs after the commit with its own work's
// outcome, and what it reports is already visible to readers. Works of a pair
// insert the same key: exactly one of them wins (with two writers, either).
TEST_P(ConcurrentStoreTest, SubmitDoneRunsAfterCommitWithEachWorksOutcome) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  constexpr int kWorks = 200;
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0;
  std::vector<Status> results(kWorks);
  std::vector<int64_t> seen(kWorks, -1);
  for (int i = 0; i < kWorks; ++i) {
    const int key = i % 2 == 0 ? i : i - 1;
    db().Submit(
        [key](Connection& conn) -> Status {
          auto st = conn.Cached("INSERT INTO t(k) VALUES(?)");
          if (!st.ok()) return st.error();
          return st->BindInt64(1, key).Run();
        },
        [&, i, key](Status s) {
          int64_t count = -1;
          (void)db().Read([&](Connection& conn) -> Status {
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
  for (int i = 0; i < kWorks; i += 2) {
    SCOPED_TRACE(i);
    const Status& a = results[i];
    const Status& b = results[i + 1];
    EXPECT_NE(a.ok(), b.ok());
    const Status& lost = a.ok() ? b : a;
    if (!lost.ok()) {
      EXPECT_TRUE(IsUniqueViolation(lost.error())) << lost.error().message;
    }
    EXPECT_EQ(seen[i], 1);
    EXPECT_EQ(seen[i + 1], 1);
  }
  lock.unlock();
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), kWorks / 2);
}

TEST_P(ConcurrentStoreTest, SubmitExceptionInWorkIsADbErrorAndUndoesOnlyIt) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  std::promise<Status> threw, kept;
  db().Submit(
      [](Connection& conn) -> Status {
        (void)conn.Exec("INSERT INTO t(k) VALUES(1)");
        throw std::runtime_error("boom");
      },
      [&](Status s) { threw.set_value(std::move(s)); });
  db().Submit([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(2)"); },
              [&](Status s) { kept.set_value(std::move(s)); });
  const Status a = threw.get_future().get();
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, "db_error");
  EXPECT_TRUE(kept.get_future().get().ok());
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), 1);
  EXPECT_EQ(QueryInt(db(), "SELECT MAX(k) FROM t"), 2);
}

// Connection::OnRollback: an undo runs when its work's changes are rolled back
// (the work's error, its exception, its batch's failed COMMIT), never once
// they are committed; Attached() state outlives the work.
TEST_P(ConcurrentStoreTest, OnRollbackFollowsTheTransaction) {
  struct Undone {
    int count = 0;
  };
  ASSERT_TRUE(db().Exec("CREATE TABLE parent(k BIGINT PRIMARY KEY);"
                        "CREATE TABLE child(k BIGINT REFERENCES parent(k) "
                        "DEFERRABLE INITIALLY DEFERRED)")
                  .ok());
  auto with_undo = [](Connection& conn, int* undone) { conn.OnRollback([undone] { ++*undone; }); };
  int committed = 0, failed = 0, thrown = 0, commit_failed = 0;
  ASSERT_TRUE(db().Transaction([&](Connection& conn) {
                    with_undo(conn, &committed);
                    conn.Attached<Undone>().count = 7;
                    return conn.Exec("INSERT INTO parent(k) VALUES(1)");
                  })
                  .ok());
  EXPECT_FALSE(db().Transaction([&](Connection& conn) -> Status {
                     with_undo(conn, &failed);
                     return Error{"test", "the work fails"};
                   })
                   .ok());
  EXPECT_THROW((void)db().Transaction([&](Connection& conn) -> Status {
    with_undo(conn, &thrown);
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  // The orphan child passes its statement; the deferred foreign key fails the COMMIT.
  const Status orphan = db().Transaction([&](Connection& conn) {
    with_undo(conn, &commit_failed);
    return conn.Exec("INSERT INTO child(k) VALUES(2)");
  });
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, "db_constraint") << orphan.error().message;
  EXPECT_EQ(committed, 0);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(thrown, 1);
  EXPECT_EQ(commit_failed, 1);
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM child"), 0);
  int seen = 0;
  ASSERT_TRUE(db().Transaction([&](Connection& conn) {
                    const Undone* state = conn.FindAttached<Undone>();
                    seen = state != nullptr ? state->count : -1;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(seen, 7);
}

// A Done runs on the completion thread: waiting there for a writer is
// refused, while queueing more work from it is fine.
TEST_P(ConcurrentStoreTest, SubmitTransactionFromDoneIsRefusedSubmitWorks) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  std::promise<Status> nested, chained;
  db().Submit([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(1)"); },
              [&](Status) {
                nested.set_value(db().Transaction([](Connection&) { return Status::Ok(); }));
                db().Submit(
                    [](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(2)"); },
                    [&](Status s) { chained.set_value(std::move(s)); });
              });
  const Status n = nested.get_future().get();
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, "db_error");
  EXPECT_TRUE(chained.get_future().get().ok());
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), 2);
}

// Works still queued when the Database goes away are committed, not dropped.
TEST_P(ConcurrentStoreTest, SubmitDestructionCommitsWhatIsQueued) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  std::atomic<int> done{0};
  for (int i = 0; i < 50; ++i) {
    db().Submit(
        [i](Connection& conn) {
          return conn.Exec("INSERT INTO t(k) VALUES(" + std::to_string(i) + ")");
        },
        [&](Status s) {
          if (s.ok()) ++done;
        });
  }
  db_.reset();
  EXPECT_EQ(done.load(), 50);
  Reopen();
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), 50);
}

// Query() runs on a reader thread and returns at once; its done sees the
// snapshot the work read, writes are refused there, and a done may chain a
// Submit() whose own done then runs after its commit.
TEST_P(ConcurrentStoreTest, QueryReadsOffTheCallerAndChainsAWrite) {
  ASSERT_TRUE(db().Exec("CREATE TABLE t(k BIGINT PRIMARY KEY)").ok());
  ASSERT_TRUE(db().Exec("INSERT INTO t(k) VALUES(1),(2),(3)").ok());
  const auto caller = std::this_thread::get_id();
  std::promise<Status> read_only;
  std::promise<std::pair<int64_t, Status>> chained;
  auto count = std::make_shared<int64_t>(-1);
  db().Query(
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
        db().Submit(
            [count](Connection& conn) {
              return conn.Exec("INSERT INTO t(k) VALUES(" + std::to_string(*count + 1) + ")");
            },
            [&, count](Status w) {
              chained.set_value({*count, std::move(w)});
            });
      });
  db().Query([](Connection& conn) { return conn.Exec("INSERT INTO t(k) VALUES(99)"); },
             [&](Status s) { read_only.set_value(std::move(s)); });
  const auto [seen, written] = chained.get_future().get();
  EXPECT_EQ(seen, 3);
  EXPECT_TRUE(written.ok()) << written.error().message;
  const Status refused = read_only.get_future().get();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM t"), 4);
}

TEST_P(ConcurrentStoreTest, QueryExceptionInAReadIsADbError) {
  std::promise<Status> result;
  db().Query([](Connection&) -> Status { throw std::runtime_error("boom"); },
             [&](Status s) { result.set_value(std::move(s)); });
  const Status s = result.get_future().get();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_error");
}

VC_INSTANTIATE_BACKENDS(ConcurrentStoreTest);

}  // namespace
}  // namespace vc::common
