#include "issuer/sessions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "common/base/clock.h"
#include "common/store/store.h"
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
    ASSERT_TRUE(issuer::SessionStore::Migrate(db()).ok());
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

// 64 concurrent uses of one link through four instances: one session.
TEST_P(SessionStoreTest, ConcurrentClaimsThroughSeveralInstancesOpenOneSession) {
  std::vector<std::unique_ptr<common::Database>> dbs;
  std::vector<std::unique_ptr<issuer::SessionStore>> stores;
  for (int i = 0; i < 4; ++i) {
    dbs.push_back(store().Open());
    ASSERT_NE(dbs.back(), nullptr);
    stores.push_back(std::make_unique<issuer::SessionStore>(*dbs.back(), clock_));
  }
  std::atomic<int> opened{0}, replayed{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      auto r = stores[i % 4]->Open(Request());
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

VC_INSTANTIATE_BACKENDS(SessionStoreTest);

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
