#include "issuer/audit_log.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/base/clock.h"
#include "issuer/proofing_attempts.h"
#include "tests/support/audit_tamper.h"
#include "tests/support/test_database.h"

namespace vc::testing {
namespace {

class AuditLogTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    Open();
  }
  void TearDown() override {
    log_.reset();
    BackendTest::TearDown();
  }
  void Open() {
    log_.reset();
    Reopen();
    ASSERT_TRUE(issuer::MigrateProofing(db()).ok());
    log_ = std::make_unique<issuer::AuditLog>(db(), clock_);
  }
  void AppendFive() {
    for (int i = 0; i < 5; ++i) {
      auto seq =
          log_->Append({0, 0, "session:s" + std::to_string(i), "contoso/req-" + std::to_string(i),
                        "proofing_start", "ok", "sandbox", "sbx_" + std::to_string(i), "cv.1", ""});
      ASSERT_TRUE(seq.ok());
      EXPECT_EQ(*seq, i + 1);
      clock_.Advance(1);
    }
  }
  // Edits the log behind the engine's SQL guards, as someone with write access
  // to the database would.
  void Tamper(const std::string& sql) {
    log_.reset();
    db_.reset();
    ASSERT_TRUE(TamperWithAudit(*store_, sql));
  }
  issuer::AuditVerifyReport Verify() {
    Open();  // a fresh connection sees the database as edited
    auto r = issuer::AuditLog::Verify(db());
    EXPECT_TRUE(r.ok());
    return *r;
  }

  common::ManualClock clock_{1'760'000'000};
  std::unique_ptr<issuer::AuditLog> log_;
};

TEST_P(AuditLogTest, IntactChainVerifies) {
  AppendFive();
  auto r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 5);
  auto list = log_->List(2, 10);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].seq, 3);
  EXPECT_EQ((*list)[0].caller, "session:s2");
  EXPECT_EQ((*list)[0].mscv, "cv.1");
}

TEST_P(AuditLogTest, EmptyLogVerifies) { EXPECT_TRUE(Verify().ok); }

TEST_P(AuditLogTest, SqlUpdateAndDeleteAreRefused) {
  AppendFive();
  EXPECT_FALSE(db().Exec("UPDATE audit_log SET at = 0 WHERE seq = 2").ok());
  EXPECT_FALSE(db().Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_P(AuditLogTest, EditedEntryIsDetected) {
  AppendFive();
  Tamper("UPDATE audit_log SET entry = replace(entry, '\"ok\"', '\"refused\"') WHERE seq = 3");
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 3);
}

TEST_P(AuditLogTest, EditedEntryWithRecomputedHashBreaksTheNextLink) {
  AppendFive();
  Tamper("UPDATE audit_log SET hash = '" + std::string(64, 'f') + "' WHERE seq = 2");
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 2);
}

TEST_P(AuditLogTest, DeletedMiddleEntryIsDetected) {
  AppendFive();
  Tamper("DELETE FROM audit_log WHERE seq = 4");
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 4);
}

TEST_P(AuditLogTest, DeletedLastEntryIsDetected) {
  AppendFive();
  Tamper("DELETE FROM audit_log WHERE seq = 5");
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("removed"), std::string::npos) << r.problem;
}

// Instances appending at once (each its own Database on the shared one) keep
// one chain: no entry forks it, none is lost, and it verifies.
TEST_P(AuditLogTest, ConcurrentAppendersOfSeveralInstancesKeepOneChain) {
  constexpr int kInstances = 4, kEach = 25;
  std::vector<std::unique_ptr<common::Database>> dbs;
  for (int i = 0; i < kInstances; ++i) {
    dbs.push_back(store().Open());
    ASSERT_NE(dbs.back(), nullptr);
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, i, t] {
        issuer::AuditLog log(*dbs[i], clock_);
        for (int n = 0; n < kEach / 2 + (t == 0 ? kEach % 2 : 0); ++n) {
          if (!log.Append({0, 0, "system", "contoso/u" + std::to_string(i), "verdict", "ok", "", "",
                           "cv", ""})
                   .ok()) {
            ++failures;
          }
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto r = Verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, kInstances * kEach);
}

VC_INSTANTIATE_BACKENDS(AuditLogTest);

TEST(AuditLogCanonical, CanonicalFormIsStable) {
  issuer::AuditEntry e{7, 100, "apikey:admin", "contoso/u1", "reset", "ok", "", "", "cv", "typo"};
  EXPECT_EQ(issuer::AuditLog::Canonical(e),
            R"({"seq":7,"at":100,"caller":"apikey:admin","subject":"contoso/u1","action":"reset",)"
            R"("outcome":"ok","provider":"","reference":"","mscv":"cv","detail":"typo"})");
}

}  // namespace
}  // namespace vc::testing
