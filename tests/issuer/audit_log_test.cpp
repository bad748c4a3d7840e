#include "issuer/audit_log.h"

#include <gtest/gtest.h>

#include "common/base/clock.h"
#include "issuer/proofing_attempts.h"
#include "tests/support/audit_tamper.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    log_.reset();
    db_.reset();
    auto db = common::Database::Open(dir_.File("vc.db"));
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(issuer::MigrateProofing(*db_).ok());
    log_ = std::make_unique<issuer::AuditLog>(*db_, clock_);
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
  issuer::AuditVerifyReport Verify() {
    Open();  // a fresh connection sees the file as edited
    auto r = issuer::AuditLog::Verify(*db_);
    EXPECT_TRUE(r.ok());
    return *r;
  }

  TempDir dir_;
  common::ManualClock clock_{1'760'000'000};
  std::unique_ptr<common::Database> db_;
  std::unique_ptr<issuer::AuditLog> log_;
};

TEST_F(AuditLogTest, IntactChainVerifies) {
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

TEST_F(AuditLogTest, EmptyLogVerifies) { EXPECT_TRUE(Verify().ok); }

TEST_F(AuditLogTest, SqlUpdateAndDeleteAreRefused) {
  AppendFive();
  EXPECT_FALSE(db_->Exec("UPDATE audit_log SET at = 0 WHERE seq = 2").ok());
  EXPECT_FALSE(db_->Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  EXPECT_TRUE(Verify().ok);
}

TEST_F(AuditLogTest, EditedEntryIsDetected) {
  AppendFive();
  log_.reset();
  db_.reset();
  ASSERT_TRUE(
      TamperWithDatabase(dir_.File("vc.db"),
                         "UPDATE audit_log SET entry = replace(entry, '\"ok\"', '\"refused\"') "
                         "WHERE seq = 3"));
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 3);
}

TEST_F(AuditLogTest, EditedEntryWithRecomputedHashBreaksTheNextLink) {
  AppendFive();
  log_.reset();
  db_.reset();
  ASSERT_TRUE(TamperWithDatabase(dir_.File("vc.db"), "UPDATE audit_log SET hash = '" +
                                                         std::string(64, 'f') + "' WHERE seq = 2"));
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 2);
}

TEST_F(AuditLogTest, DeletedMiddleEntryIsDetected) {
  AppendFive();
  log_.reset();
  db_.reset();
  ASSERT_TRUE(TamperWithDatabase(dir_.File("vc.db"), "DELETE FROM audit_log WHERE seq = 4"));
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.bad_seq, 4);
}

TEST_F(AuditLogTest, DeletedLastEntryIsDetected) {
  AppendFive();
  log_.reset();
  db_.reset();
  ASSERT_TRUE(TamperWithDatabase(dir_.File("vc.db"), "DELETE FROM audit_log WHERE seq = 5"));
  auto r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("removed"), std::string::npos) << r.problem;
}

TEST_F(AuditLogTest, CanonicalFormIsStable) {
  issuer::AuditEntry e{7, 100, "apikey:admin", "contoso/u1", "reset", "ok", "", "", "cv", "typo"};
  EXPECT_EQ(issuer::AuditLog::Canonical(e),
            R"({"seq":7,"at":100,"caller":"apikey:admin","subject":"contoso/u1","action":"reset",)"
            R"("outcome":"ok","provider":"","reference":"","mscv":"cv","detail":"typo"})");
}

}  // namespace
}  // namespace vc::testing
