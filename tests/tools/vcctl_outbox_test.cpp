// vcctl outbox list|retry|drop on a data directory whose outboxes hold a
// dead letter (a webhook the receiver refused) and a pending callback.
#include <gtest/gtest.h>

#include "common/http/outbox.h"
#include "common/http/outbox_store.h"
#include "common/store/migrations.h"
#include "common/store/store.h"
#include "request_service/outbox.h"
#include "request_service/request_store.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"
#include "verifier/store.h"

namespace vc::testing {
namespace {

class VcctlOutbox : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = common::Database::Open(dir_.File("vc.db"));
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(common::ApplyMigrations(*db_, "request_service",
                                        request_service::RequestServiceMigrations()));
    ASSERT_TRUE(common::ApplyMigrations(*db_, "verifier", verifier::VerifierMigrations()));
    Add(verifier::kWebhookTable, "p1", "https://app.example/hook");
    Add(request_service::kOutboxTable, "r1", "https://issuer.example/cb");
    // The webhook was refused (401): a dead letter.
    auto events = common::outbox_store::List(*db_, verifier::kWebhookTable, std::nullopt, 10);
    ASSERT_TRUE(events && events->size() == 1u);
    ASSERT_TRUE(common::outbox_store::Record(
        *db_, verifier::kWebhookTable,
        {(*events)[0].id, 1, common::OutboxState::kDead, "401", 2'000, 2'000, ""}));
  }

  void Add(const char* table, const std::string& key, const std::string& url) {
    ASSERT_TRUE(db_->Transaction([&](common::Connection& c) {
      return common::HttpOutbox::Enqueue(c, table, key, url, {{"Idempotency-Key", key}}, "{}",
                                         1'000);
    }));
  }

  CommandResult Vcctl(std::vector<std::string> args) {
    args.insert(args.begin(), "outbox");
    args.insert(args.end(), {"--data-dir", dir_.path().string()});
    return RunBinary("vcctl", args);
  }

  common::OutboxState StateOf(const char* table) {
    auto events = common::outbox_store::List(*db_, table, std::nullopt, 10);
    EXPECT_TRUE(events && events->size() == 1u);
    return events && !events->empty() ? (*events)[0].state : common::OutboxState::kDelivered;
  }

  TempDir dir_;
  std::unique_ptr<common::Database> db_;
};

TEST_F(VcctlOutbox, ListsWhatWasNotDelivered) {
  auto all = Vcctl({"list"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("verifier/1\tdead\t1\t"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("https://app.example\t401"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("request-service/1\tpending\t0\t"), std::string::npos) << all.output;
  auto dead = Vcctl({"list", "--state", "dead"});
  EXPECT_EQ(dead.output.find("request-service/1"), std::string::npos) << dead.output;
  auto one = Vcctl({"list", "--outbox", "request-service"});
  EXPECT_EQ(one.output.find("verifier/1"), std::string::npos) << one.output;
  EXPECT_NE(Vcctl({"list", "--state", "lost"}).exit_code, 0);
  EXPECT_NE(Vcctl({"list", "--outbox", "nope"}).exit_code, 0);
}

TEST_F(VcctlOutbox, RetryPutsADeadLetterBackAndRefusesAnythingElse) {
  auto refused = Vcctl({"retry", "request-service/1"});  // pending, not dead
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("not a dead letter"), std::string::npos) << refused.output;
  EXPECT_NE(Vcctl({"retry", "verifier/x"}).exit_code, 0);
  EXPECT_NE(Vcctl({"retry", "12"}).exit_code, 0);
  auto retried = Vcctl({"retry", "verifier/1"});
  ASSERT_EQ(retried.exit_code, 0) << retried.output;
  EXPECT_NE(retried.output.find("retried 1"), std::string::npos) << retried.output;
  EXPECT_EQ(StateOf(verifier::kWebhookTable), common::OutboxState::kPending);
  auto events = common::outbox_store::List(*db_, verifier::kWebhookTable, std::nullopt, 10);
  EXPECT_EQ((*events)[0].attempts, 0);
  EXPECT_GT((*events)[0].since_ms, 2'000);  // a new retry period
}

TEST_F(VcctlOutbox, RetryAllDeadAndDrop) {
  auto all = Vcctl({"retry", "--all-dead"});
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("retried 1"), std::string::npos) << all.output;
  auto dropped = Vcctl({"drop", "verifier/1", "request-service/1"});
  ASSERT_EQ(dropped.exit_code, 0) << dropped.output;
  EXPECT_NE(dropped.output.find("dropped 2"), std::string::npos) << dropped.output;
  auto again = Vcctl({"drop", "verifier/1"});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("does not exist"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace vc::testing
