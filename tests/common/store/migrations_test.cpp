#include "common/store/migrations.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/store_queries.h"
#include "support/test_database.h"

namespace vc::common {
namespace {

using vc::testing::BackendTest;
using vc::testing::QueryInt;

std::vector<Migration> IssuerV2() {
  return {
      {1, "create_used_request_ids",
       "CREATE TABLE used_request_ids(org TEXT NOT NULL, rid TEXT NOT NULL,"
       " PRIMARY KEY(org, rid))"},
      {2, "add_used_at", "ALTER TABLE used_request_ids ADD COLUMN used_at INTEGER",
       "ALTER TABLE used_request_ids ADD COLUMN used_at BIGINT"},
  };
}

class MigrationsTest : public BackendTest {
 protected:
  int64_t TableCount(const std::string& table) {
    return QueryInt(db(), postgres()
                              ? "SELECT count(*) FROM information_schema.tables WHERE "
                                "table_schema = current_schema() AND table_name = '" +
                                    table + "'"
                              : "SELECT count(*) FROM sqlite_master WHERE name = '" + table + "'");
  }
};

TEST_P(MigrationsTest, AppliesInOrderAndRecordsEach) {
  Status s = ApplyMigrations(db(), "issuer", IssuerV2());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(*CurrentSchemaVersion(db(), "issuer"), 2);
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM schema_migrations WHERE component = 'issuer'"), 2);
  EXPECT_EQ(QueryInt(db(),
                     "SELECT count(*) FROM schema_migrations WHERE name = 'add_used_at'"
                     " AND applied_at > 1600000000"),
            1);
  // A timestamp in milliseconds fits the column on both engines.
  EXPECT_TRUE(
      db().Exec("INSERT INTO used_request_ids(org, rid, used_at) VALUES('a', 'b', 1700000000000)")
          .ok());
}

TEST_P(MigrationsTest, EachEngineRunsItsOwnSql) {
  std::vector<Migration> m = {{1, "per_engine", "CREATE TABLE on_sqlite(x INTEGER)",
                               "CREATE TABLE on_postgresql(x BIGINT)"}};
  ASSERT_TRUE(ApplyMigrations(db(), "engines", m).ok());
  EXPECT_EQ(TableCount("on_sqlite"), postgres() ? 0 : 1);
  EXPECT_EQ(TableCount("on_postgresql"), postgres() ? 1 : 0);
}

TEST_P(MigrationsTest, ReRunIsIdempotent) {
  ASSERT_TRUE(ApplyMigrations(db(), "issuer", IssuerV2()).ok());
  Status again = ApplyMigrations(db(), "issuer", IssuerV2());
  EXPECT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM schema_migrations"), 2);
}

TEST_P(MigrationsTest, SurvivesReopenAndAppliesOnlyNewOnes) {
  auto v1 = IssuerV2();
  v1.pop_back();
  ASSERT_TRUE(ApplyMigrations(db(), "issuer", v1).ok());
  EXPECT_EQ(*CurrentSchemaVersion(db(), "issuer"), 1);
  Reopen();
  ASSERT_TRUE(ApplyMigrations(db(), "issuer", IssuerV2()).ok());
  EXPECT_EQ(*CurrentSchemaVersion(db(), "issuer"), 2);
}

TEST_P(MigrationsTest, ComponentsAreVersionedIndependently) {
  ASSERT_TRUE(ApplyMigrations(db(), "issuer", IssuerV2()).ok());
  std::vector<Migration> verifier = {
      {1, "create_presentations", "CREATE TABLE presentations(id TEXT)"}};
  ASSERT_TRUE(ApplyMigrations(db(), "verifier", verifier).ok());
  EXPECT_EQ(*CurrentSchemaVersion(db(), "verifier"), 1);
  EXPECT_EQ(*CurrentSchemaVersion(db(), "issuer"), 2);
  EXPECT_EQ(*CurrentSchemaVersion(db(), "nobody"), 0);
}

TEST_P(MigrationsTest, FailingMigrationRollsBackAndNamesItself) {
  auto migrations = IssuerV2();
  // The first statement would succeed; the second fails; neither may remain.
  migrations.push_back(
      {3, "broken", "CREATE TABLE half(x INTEGER); INSERT INTO nowhere VALUES(1)"});
  Status s = ApplyMigrations(db(), "issuer", migrations);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_migration");
  EXPECT_NE(s.error().message.find("issuer migration 3 (broken) failed"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find(postgres() ? "relation \"nowhere\" does not exist"
                                              : "no such table: nowhere"),
            std::string::npos)
      << s.error().message;
  EXPECT_EQ(*CurrentSchemaVersion(db(), "issuer"), 2);  // earlier ones stay applied
  EXPECT_EQ(TableCount("half"), 0);
}

TEST_P(MigrationsTest, DowngradeIsRefused) {
  ASSERT_TRUE(ApplyMigrations(db(), "issuer", IssuerV2()).ok());
  auto older = IssuerV2();
  older.pop_back();
  Status s = ApplyMigrations(db(), "issuer", older);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_migration");
  EXPECT_NE(s.error().message.find("issuer schema version 2"), std::string::npos)
      << s.error().message;
  EXPECT_NE(s.error().message.find("knows only up to 1"), std::string::npos);
}

TEST_P(MigrationsTest, RefusesUnorderedOrNonPositiveVersions) {
  std::vector<Migration> unordered = {{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}};
  Status s = ApplyMigrations(db(), "issuer", unordered);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "db_migration");
  std::vector<Migration> zero = {{0, "z", "SELECT 1"}};
  EXPECT_FALSE(ApplyMigrations(db(), "issuer", zero).ok());
  std::vector<Migration> dup = {{1, "a", "SELECT 1"}, {1, "b", "SELECT 1"}};
  EXPECT_FALSE(ApplyMigrations(db(), "issuer", dup).ok());
}

// Instances starting together on one database: each migration applies once,
// and every instance starts.
TEST_P(MigrationsTest, ConcurrentStartupsApplyEachVersionOnce) {
  constexpr int kInstances = 4;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kInstances; ++i) {
    dbs.push_back(store().Open(2));
    ASSERT_NE(dbs.back(), nullptr);
  }
  std::vector<Status> results(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] { results[i] = ApplyMigrations(*dbs[i], "issuer", IssuerV2()); });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(QueryInt(db(), "SELECT count(*) FROM schema_migrations"), 2);
}

VC_INSTANTIATE_BACKENDS(MigrationsTest);

}  // namespace
}  // namespace vc::common
