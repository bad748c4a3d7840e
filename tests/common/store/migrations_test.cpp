#include "common/store/migrations.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace vc::common {
namespace {

using vc::testing::TempDir;

std::vector<Migration> IssuerV2() {
  return {
      {1, "create_used_request_ids",
       "CREATE TABLE used_request_ids(org TEXT NOT NULL, rid TEXT NOT NULL,"
       " PRIMARY KEY(org, rid))"},
      {2, "add_used_at", "ALTER TABLE used_request_ids ADD COLUMN used_at INTEGER"},
  };
}

std::unique_ptr<Database> Open(const TempDir& dir) {
  auto db = Database::Open(dir.File("vc.db"));
  EXPECT_TRUE(db.ok()) << db.error().message;
  return std::move(*db);
}

int64_t Count(Database& db, const std::string& sql) {
  int64_t n = -1;
  Status s = db.Read([&](Connection& conn) -> Status {
    auto st = conn.Prepare(sql);
    if (!st.ok()) return st.error();
    auto row = st->Step();
    if (!row.ok()) return row.error();
    n = st->ColumnInt64(0);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.error().message;
  return n;
}

TEST(Migrations, AppliesInOrderAndRecordsEach) {
  TempDir dir;
  auto db = Open(dir);
  Status s = ApplyMigrations(*db, "issuer", IssuerV2());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(*CurrentSchemaVersion(*db, "issuer"), 2);
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM schema_migrations WHERE component = 'issuer'"), 2);
  EXPECT_EQ(Count(*db,
                  "SELECT count(*) FROM schema_migrations WHERE name = 'add_used_at'"
                  " AND applied_at > 1600000000"),
            1);
  EXPECT_TRUE(db->Exec("INSERT INTO used_request_ids(org, rid, used_at) VALUES('a', 'b', 1)").ok());
}

TEST(Migrations, ReRunIsIdempotent) {
  TempDir dir;
  auto db = Open(dir);
  ASSERT_TRUE(ApplyMigrations(*db, "issuer", IssuerV2()).ok());
  Status again = ApplyMigrations(*db, "issuer", IssuerV2());
  EXPECT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM schema_migrations"), 2);
}

TEST(Migrations, SurvivesReopenAndAppliesOnlyNewOnes) {
  TempDir dir;
  {
    auto db = Open(dir);
    auto v1 = IssuerV2();
    v1.pop_back();
    ASSERT_TRUE(ApplyMigrations(*db, "issuer", v1).ok());
    EXPECT_EQ(*CurrentSchemaVersion(*db, "issuer"), 1);
  }
  auto db = Open(dir);
  ASSERT_TRUE(ApplyMigrations(*db, "issuer", IssuerV2()).ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db, "issuer"), 2);
}

TEST(Migrations, ComponentsAreVersionedIndependently) {
  TempDir dir;
  auto db = Open(dir);
  ASSERT_TRUE(ApplyMigrations(*db, "issuer", IssuerV2()).ok());
  std::vector<Migration> verifier = {
      {1, "create_presentations", "CREATE TABLE presentations(id TEXT)"}};
  ASSERT_TRUE(ApplyMigrations(*db, "verifier", verifier).ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db, "verifier"), 1);
  EXPECT_EQ(*CurrentSchemaVersion(*db, "issuer"), 2);
  EXPECT_EQ(*CurrentSchemaVersion(*db, "nobody"), 0);
}

TEST(Migrations, FailingMigrationRollsBackAndNamesItself) {
  TempDir dir;
  auto db = Open(dir);
  auto migrations = IssuerV2();
  // The first statement would succeed; the second fails; neither may remain.
  migrations.push_back(
      {3, "broken", "CREATE TABLE half(x INTEGER); INSERT INTO nowhere VALUES(1)"});
  Status s = ApplyMigrations(*db, "issuer", migrations);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_migration");
  EXPECT_NE(s.error().message.find("issuer migration 3 (broken) failed"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("no such table: nowhere"), std::string::npos);
  EXPECT_EQ(*CurrentSchemaVersion(*db, "issuer"), 2);  // earlier ones stay applied
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'half'"), 0);
}

TEST(Migrations, DowngradeIsRefused) {
  TempDir dir;
  auto db = Open(dir);
  ASSERT_TRUE(ApplyMigrations(*db, "issuer", IssuerV2()).ok());
  auto older = IssuerV2();
  older.pop_back();
  Status s = ApplyMigrations(*db, "issuer", older);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_migration");
  EXPECT_NE(s.error().message.find("issuer schema version 2"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("knows only up to 1"), std::string::npos);
}

TEST(Migrations, RefusesUnorderedOrNonPositiveVersions) {
  TempDir dir;
  auto db = Open(dir);
  std::vector<Migration> unordered = {{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}};
  Status s = ApplyMigrations(*db, "issuer", unordered);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_migration");
  std::vector<Migration> zero = {{0, "z", "SELECT 1"}};
  EXPECT_FALSE(ApplyMigrations(*db, "issuer", zero).ok());
  std::vector<Migration> dup = {{1, "a", "SELECT 1"}, {1, "b", "SELECT 1"}};
  EXPECT_FALSE(ApplyMigrations(*db, "issuer", dup).ok());
}

}  // namespace
}  // namespace vc::common
