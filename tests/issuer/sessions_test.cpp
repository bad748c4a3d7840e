#include "issuer/sessions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/store/store.h"

namespace vc::testing {
namespace {

using issuer::OpenError;
using issuer::SessionError;

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("vc_sessions_" + common::RandomId(8));
    std::filesystem::create_directories(dir_);
    auto db = common::Database::Open((dir_ / "vc.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(issuer::SessionStore::Migrate(*db_).ok());
    store_ = std::make_unique<issuer::SessionStore>(*db_, clock_);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
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

  std::filesystem::path dir_;
  common::ManualClock clock_{1'760'000'000};
  std::unique_ptr<common::Database> db_;
  std::unique_ptr<issuer::SessionStore> store_;
};

TEST_F(SessionStoreTest, OpenTwiceWithTheSameKeyIsReplayed) {
  auto first = store_->Open(Request());
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto again = store_->Open(Request());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason, OpenError::kReplayed);
}

TEST_F(SessionStoreTest, AuthenticateSaysWhyThereIsNoSession) {
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

TEST(SessionError, EachValueHasOneCodeAndStatus) {
  EXPECT_EQ(issuer::Code(SessionError::kNotFound), "session_not_found");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kNotFound), 404);
  EXPECT_EQ(issuer::Code(SessionError::kForbidden), "session_forbidden");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kForbidden), 403);
  EXPECT_EQ(issuer::Code(SessionError::kExpired), "session_expired");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kExpired), 410);
  EXPECT_EQ(issuer::Code(SessionError::kStorage), "db_error");
  EXPECT_EQ(issuer::HttpStatus(SessionError::kStorage), 410);
}

}  // namespace
}  // namespace vc::testing
