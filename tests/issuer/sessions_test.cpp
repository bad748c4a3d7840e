#include "issuer/sessions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/base/clock.h"
#include "common/store/store.h"
#include "issuer/one_time_claims.h"
#include "support/store_queries.h"
#include "support/test_database.h"

namespace vc::testing {
namespace {

using issuer::OpenError;
using issuer::SessionError;

class SessionStoreTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(issuer::SessionStore::Prepare(db()).ok());
    store_ = std::make_unique<issuer::SessionStore>(db(), clock_);
  }
  void TearDown() override {
    store_.reset();
    BackendTest::TearDown();
  }
  issuer::NewSession Request() const {
    issuer::NewSession r;
    r.org_id = "contoso";
    r.request_id = "req-1";
    r.claim_scope = "jumpstart:contoso";
    r.claim_key = "req-1";
    r.claim_expires_at = clock_.NowSeconds() + 300;
    r.ttl_seconds = 60;
    return r;
  }

  common::ManualClock clock_{1'760'000'000};
  std::unique_ptr<issuer::SessionStore> store_;
};

TEST_P(SessionStoreTest, OpenTwiceWithTheSameKeyIsReplayed) {
  auto first = store_->Open(Request());
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto again = store_->Open(Request());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, OpenError::kReplayed);
}

TEST_P(SessionStoreTest, AuthenticateSaysWhyThereIsNoSession) {
  auto opened = store_->Open(Request());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const std::string id = opened->session.id;
  EXPECT_TRUE(store_->Authenticate(id, opened->cookie).ok());
  EXPECT_EQ(store_->Authenticate("nope", opened->cookie).error().reason, SessionError::kNotFound);
  EXPECT_EQ(store_->Authenticate(id, "other").error().reason, SessionError::kForbidden);
  EXPECT_EQ(store_->Authenticate(id, "").error().reason, SessionError::kForbidden);
  clock_.Advance(61);
  EXPECT_EQ(store_->Authenticate(id, opened->cookie).error().reason, SessionError::kExpired);
}

// One session ends once: instances finishing it at once with different
// outcomes agree on the first that committed.
TEST_P(SessionStoreTest, ConcurrentFinishesOfSeveralInstancesKeepTheFirstOutcome) {
  auto opened = store_->Open(Request());
  ASSERT_TRUE(opened.ok());
  const std::string id = opened->session.id;
  auto other_db = store().Open();
  ASSERT_NE(other_db, nullptr);
  issuer::SessionStore other(*other_db, clock_);
  std::vector<common::Result<issuer::Session>> results(16, common::Error{"", ""});
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      issuer::SessionStore& s = i % 2 == 0 ? *store_ : other;
      results[i] = s.Finish(
          id, i % 4 < 2 ? issuer::SessionStatus::kCancelled : issuer::SessionStatus::kFailed);
    });
  }
  for (auto& t : threads) t.join();
  const auto final = store_->Get(id)->status;
  for (int i = 0; i < 16; ++i) {
    const auto asked =
        i % 4 < 2 ? issuer::SessionStatus::kCancelled : issuer::SessionStatus::kFailed;
    EXPECT_EQ(results[i].ok(), asked == final) << i;
  }
}

// 64 concurrent uses of one link through four instances (PostgreSQL) or
// through the one instance a SQLite file admits: one session.
TEST_P(SessionStoreTest, ConcurrentClaimsThroughSeveralInstancesOpenOneSession) {
  std::vector<std::unique_ptr<common::Database>> dbs;
  std::vector<issuer::SessionStore*> stores = {store_.get()};
  std::vector<std::unique_ptr<issuer::SessionStore>> others;
  for (int i = 0; i < 3 && postgres(); ++i) {
    dbs.push_back(store().Open());
    ASSERT_NE(dbs.back(), nullptr);
    ASSERT_TRUE(issuer::SessionStore::Prepare(*dbs.back()).ok());
    others.push_back(std::make_unique<issuer::SessionStore>(*dbs.back(), clock_));
    stores.push_back(others.back().get());
  }
  std::atomic<int> opened{0}, replayed{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      auto r = stores[i % stores.size()]->Open(Request());
      if (r.ok()) {
        ++opened;
      } else if (r.error().reason == OpenError::kReplayed) {
        ++replayed;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(replayed.load(), 63);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM sessions"), 1);
}

// SQLite keeps the claims' index in the writer's memory: a second Database on
// the same file, in this process or another, must not claim beside it.
TEST_P(SessionStoreTest, ASqliteFileServesOneInstance) {
  auto second = store().Open();
  ASSERT_NE(second, nullptr);
  common::Status prepared = issuer::SessionStore::Prepare(*second);
  if (postgres()) {
    EXPECT_TRUE(prepared.ok()) << prepared.error().message;
    return;
  }
  ASSERT_FALSE(prepared.ok());
  EXPECT_EQ(prepared.error().code, "database_in_use");
  EXPECT_NE(prepared.error().message.find("in use by another vcserver"), std::string::npos)
      << prepared.error().message;
  // Once the first instance has stopped, the file is free again.
  store_.reset();
  db_.reset();
  EXPECT_TRUE(issuer::SessionStore::Prepare(*second).ok());
}

// The index is rebuilt from the table on start: a link used before a restart
// stays used.
TEST_P(SessionStoreTest, AClaimSurvivesARestart) {
  auto before = Request();
  before.claim_key = "before-restart";
  ASSERT_TRUE(store_->Open(before).ok());
  store_.reset();
  Reopen();
  ASSERT_TRUE(issuer::SessionStore::Prepare(db()).ok());
  store_ = std::make_unique<issuer::SessionStore>(db(), clock_);
  auto again = store_->Open(before);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, OpenError::kReplayed);
  EXPECT_TRUE(store_->Open(Request()).ok());
}

// A claim whose work fails after it, or whose session cannot be stored, is
// undone in the index too: the link can still be used.
TEST_P(SessionStoreTest, AFailedClaimLeavesTheKeyFree) {
  common::Status failed = db().Transaction([&](common::Connection& conn) -> common::Status {
    auto claimed = issuer::ClaimOnce(conn, {"jumpstart:contoso", "req-1", 1, 1, "s-1"});
    if (!claimed) return claimed.error();
    EXPECT_TRUE(*claimed);
    return common::Error{"test_failure", "the work fails after its claim"};
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(store_->Open(Request()).ok());
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM one_time_claims"), 1);
}

// Pruned claims leave the index with the table.
TEST_P(SessionStoreTest, PruneForgetsExpiredClaims) {
  auto soon = Request();
  soon.claim_key = "expires-soon";
  soon.claim_expires_at = clock_.NowSeconds() + 10;
  ASSERT_TRUE(store_->Open(soon).ok());
  ASSERT_TRUE(store_->Open(Request()).ok());  // expires in 300 s
  clock_.Advance(20);
  auto pruned = store_->Prune(/*claim_grace_seconds=*/5, /*session_retention_seconds=*/86400);
  ASSERT_TRUE(pruned.ok()) << pruned.error().message;
  EXPECT_EQ(*pruned, 1);
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM one_time_claims"), 1);
  EXPECT_TRUE(store_->Open(soon).ok());  // intake refuses the expired token before this
  auto again = store_->Open(Request());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, OpenError::kReplayed);
}

// A prune that rolls back leaves its claims claimed, in the index as in the table.
TEST_P(SessionStoreTest, APruneThatRollsBackKeepsItsClaims) {
  ASSERT_TRUE(store_->Open(Request()).ok());  // expires in 300 s
  clock_.Advance(400);
  const common::Status failed = db().Transaction([&](common::Connection& conn) -> common::Status {
    auto pruned = issuer::SessionStore::Prune(conn, clock_.NowSeconds(), 0, 86400);
    if (!pruned) return pruned.error();
    EXPECT_EQ(*pruned, 1);
    return common::Error{"test_failure", "the work fails after its prune"};
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(QueryInt(db(), "SELECT COUNT(*) FROM one_time_claims"), 1);
  auto again = store_->Open(Request());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, OpenError::kReplayed);
}

VC_INSTANTIATE_BACKENDS(SessionStoreTest);

// A database from before migration 2 (one_time_claims keyed on disk) keeps
// its claims through the upgrade.
TEST(SessionStoreMigration, ClaimsMadeBeforeTheUpgradeStayClaimed) {
  TestDatabase files(TestBackend::kSqlite);
  common::ManualClock clock{1'760'000'000};
  {
    auto db = files.Open();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(issuer::SessionStore::Prepare(*db).ok());
    ASSERT_TRUE(db->Exec(R"sql(
      DROP TABLE one_time_claims;
      CREATE TABLE one_time_claims (
        scope TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL,
        claimed_at INTEGER NOT NULL, session_id TEXT NOT NULL,
        PRIMARY KEY (scope, key)) WITHOUT ROWID;
      INSERT INTO one_time_claims VALUES ('jumpstart:contoso', 'old-link', 1760000300, 1760000000, 's');
      DELETE FROM schema_migrations WHERE component = 'issuer_sessions' AND version = 2;
    )sql")
                    .ok());
  }
  auto db = files.Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(issuer::SessionStore::Prepare(*db).ok());
  issuer::SessionStore store(*db, clock);
  issuer::NewSession r;
  r.org_id = "contoso";
  r.claim_scope = "jumpstart:contoso";
  r.claim_key = "old-link";
  r.claim_expires_at = clock.NowSeconds() + 300;
  auto again = store.Open(r);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, OpenError::kReplayed);
  r.claim_key = "new-link";
  EXPECT_TRUE(store.Open(r).ok());
  EXPECT_EQ(QueryInt(*db, "SELECT COUNT(*) FROM one_time_claims"), 2);
}

TEST(SessionError, EachValueHasOneCodeAndStatus) {
  EXPECT_EQ(issuer::Code(SessionError::kNotFound), "session_not_found");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kNotFound), 404);
  EXPECT_EQ(issuer::Code(SessionError::kForbidden), "session_forbidden");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kForbidden), 403);
  EXPECT_EQ(issuer::Code(SessionError::kExpired), "session_expired");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kExpired), 410);
  EXPECT_EQ(issuer::Code(SessionError::kUnavailable), "storage_unavailable");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kUnavailable), 503);
  EXPECT_EQ(issuer::Code(SessionError::kStorage), "db_error");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kStorage), 410);
}

}  // namespace
}  // namespace vc::testing
