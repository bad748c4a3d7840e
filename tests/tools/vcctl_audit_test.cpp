// vcctl audit verify against a data directory whose database file is edited.
#include <gtest/gtest.h>

#include "common/base/clock.h"
#include "common/store/store.h"
#include "issuer/audit_log.h"
#include "issuer/proofing_attempts.h"
#include "tests/support/audit_tamper.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

void WriteEntries(const std::string& path, int n) {
  auto db = common::Database::Open(path);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(issuer::MigrateProofing(**db).ok());
  common::ManualClock clock;
  issuer::AuditLog log(**db, clock);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(log.Append({0, 0, "system", "contoso/u" + std::to_string(i), "verdict", "verified",
                            "sandbox", "sbx", "", ""})
                    .ok());
  }
}

TEST(VcctlAudit, IntactThenEditedThenDeleted) {
  TempDir dir;
  WriteEntries(dir.File("vc.db"), 4);
  auto ok = RunBinary("vcctl", {"audit", "verify", "--data-dir", dir.path().string()});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("intact: 4 entries"), std::string::npos) << ok.output;

  ASSERT_TRUE(TamperWithDatabase(
      dir.File("vc.db"),
      "UPDATE audit_log SET entry = replace(entry, 'verified', 'rejected') WHERE seq = 2"));
  auto edited = RunBinary("vcctl", {"audit", "verify", "--data-dir", dir.path().string()});
  EXPECT_NE(edited.exit_code, 0);
  EXPECT_NE(edited.output.find("broken at entry 2"), std::string::npos) << edited.output;
}

TEST(VcctlAudit, DeletedEntryIsReported) {
  TempDir dir;
  WriteEntries(dir.File("vc.db"), 3);
  ASSERT_TRUE(TamperWithDatabase(dir.File("vc.db"), "DELETE FROM audit_log WHERE seq = 1"));
  auto r = RunBinary("vcctl", {"audit", "verify", "--data-dir", dir.path().string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("broken at entry 1"), std::string::npos) << r.output;
}

TEST(VcctlAudit, MissingDatabaseIsOneLineError) {
  TempDir dir;
  auto r = RunBinary("vcctl", {"audit", "verify", "--data-dir", dir.path().string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cannot open"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace vc::testing
