// Coroutines that continue on other threads: chaining, exceptions, executors,
// and the Database awaitables. Named "Concurrent" so CI runs them under TSan.
#include "common/base/task.h"

#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/base/thread_pool.h"
#include "common/store/store_await.h"
#include "support/temp_dir.h"

namespace vc::common {
namespace {

Task<int> Constant(int v) { co_return v; }

Task<int> Sum(int a, int b) {
  const int x = co_await Constant(a);
  const int y = co_await Constant(b);
  co_return x + y;
}

Task<int> Throws() {
  throw std::runtime_error("inside");
  co_return 0;
}

Task<std::string> CatchesInner() {
  try {
    (void)co_await Throws();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not thrown";
}

template <typename T>
T RunToEnd(Task<T> task) {
  std::promise<T> result;
  Start<T>(
      std::move(task), [&](T v) { result.set_value(std::move(v)); },
      [&](std::exception_ptr e) { result.set_exception(e); });
  return result.get_future().get();
}

TEST(ConcurrentTask, ChainsAndReturnsValues) {
  EXPECT_EQ(RunToEnd(Sum(2, 40)), 42);
  EXPECT_EQ(RunToEnd(CatchesInner()), "caught inside");
}

TEST(ConcurrentTask, UncaughtExceptionReachesFailed) {
  EXPECT_THROW(RunToEnd(Throws()), std::runtime_error);
}

TEST(ConcurrentTask, NothingRunsBeforeItIsStarted) {
  bool ran = false;
  auto lazy = [&]() -> Task<int> {
    ran = true;
    co_return 1;
  };
  Task<int> t = lazy();
  EXPECT_FALSE(ran);
  EXPECT_EQ(RunToEnd(std::move(t)), 1);
  EXPECT_TRUE(ran);
}

Task<std::thread::id> HopTo(Executor pool) {
  co_await ResumeOn(std::move(pool));
  co_return std::this_thread::get_id();
}

TEST(ConcurrentTask, ResumeOnAndRunOnContinueOnTheExecutor) {
  ThreadPool pool(1);
  Executor on_pool = [&pool](std::function<void()> f) { pool.Post(std::move(f)); };
  const auto caller = std::this_thread::get_id();
  EXPECT_NE(RunToEnd(HopTo(on_pool)), caller);
  auto blocking = [on_pool]() -> Task<std::string> {
    std::string s = co_await RunOn<std::string>(on_pool, [] { return std::string("slow"); });
    co_return s + " call";
  };
  EXPECT_EQ(RunToEnd(blocking()), "slow call");
}

// A blocking call that throws is rethrown in the coroutine, which goes on
// (here: catches it); before, the coroutine was never resumed.
TEST(ConcurrentTask, RunOnRethrowsWhatTheCallThrew) {
  ThreadPool pool(1);
  Executor on_pool = [&pool](std::function<void()> f) { pool.Post(std::move(f)); };
  auto failing = [on_pool]() -> Task<std::string> {
    try {
      co_await RunOn<int>(on_pool, []() -> int { throw std::runtime_error("provider down"); });
    } catch (const std::runtime_error& e) {
      co_return std::string("caught: ") + e.what();
    }
    co_return std::string("not thrown");
  };
  EXPECT_EQ(RunToEnd(failing()), "caught: provider down");
}

// Many coroutines at once through one database: each read sees its own row,
// each commit reports its own outcome, and no thread waits meanwhile.
TEST(ConcurrentTask, DatabaseAwaitablesReadAndCommit) {
  vc::testing::TempDir dir;
  auto opened = Database::Open(dir.File("t.db"));
  ASSERT_TRUE(opened.ok());
  Database& db = **opened;
  ASSERT_TRUE(db.Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)").ok());
  auto insert_then_read = [&db](int k) -> Task<std::string> {
    Status saved = co_await AwaitCommit(db, [k](Connection& c) {
      return c.Exec("INSERT INTO t(k, v) VALUES(" + std::to_string(k) + ", 'v" + std::to_string(k) +
                    "')");
    });
    if (!saved) co_return "commit failed: " + saved.error().code;
    std::string v;
    Status read = co_await AwaitRead(db, [k, &v](Connection& c) -> Status {
      auto q = c.Prepare("SELECT v FROM t WHERE k = ?");
      if (!q.ok()) return q.error();
      q->BindInt64(1, k);
      auto row = q->Step();
      if (!row.ok()) return row.error();
      if (*row) v = q->ColumnText(0);
      return Status::Ok();
    });
    if (!read) co_return "read failed";
    co_return v;
  };
  constexpr int kTasks = 64;
  std::vector<std::promise<std::string>> results(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    Start<std::string>(
        insert_then_read(i % 32), [&results, i](std::string v) { results[i].set_value(v); },
        [&results, i](std::exception_ptr e) { results[i].set_exception(e); });
  }
  for (int i = 0; i < kTasks; ++i) {
    const std::string v = results[i].get_future().get();
    if (i < 32) {
      EXPECT_EQ(v, "v" + std::to_string(i));
    } else {  // the same key again: the commit is refused, its own outcome
      EXPECT_EQ(v, "commit failed: db_constraint");
    }
  }
}

}  // namespace
}  // namespace vc::common
