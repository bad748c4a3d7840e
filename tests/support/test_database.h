// A fresh database per test on either engine, so that store suites run the
// same cases on SQLite and on PostgreSQL:
//
//   class MyStoreTest : public vc::testing::BackendTest {};
//   TEST_P(MyStoreTest, Works) { common::Database& db = this->db(); … }
//   VC_INSTANTIATE_BACKENDS(MyStoreTest);
//
// PostgreSQL is the server `./dev test` starts (scripts/pg-test-cluster),
// named by VC_TEST_PG_URL; each test gets a schema of its own (dropped at the
// end) through the URL's search_path. Without VC_TEST_PG_URL the PostgreSQL
// cases are skipped with a message, unless VC_REQUIRE_PG=1 (set by ./dev test),
// which makes them fail: CI must never pass by skipping them.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <ostream>
#include <string>

#include "common/base/crypto.h"
#include "common/store/store.h"
#include "support/temp_dir.h"

namespace vc::testing {

enum class TestBackend { kSqlite, kPostgresql };

inline void PrintTo(TestBackend backend, std::ostream* os) {
  *os << (backend == TestBackend::kSqlite ? "sqlite" : "postgresql");
}

inline std::string BackendName(const ::testing::TestParamInfo<TestBackend>& info) {
  return info.param == TestBackend::kSqlite ? "Sqlite" : "Postgresql";
}

inline std::string TestPostgresUrl() {
  const char* url = std::getenv("VC_TEST_PG_URL");
  return url != nullptr ? url : "";
}

inline bool PostgresRequired() {
  const char* required = std::getenv("VC_REQUIRE_PG");
  return required != nullptr && std::string(required) == "1";
}

// The reason a PostgreSQL case cannot run, "" when it can.
inline std::string PostgresMissing() {
  if (!TestPostgresUrl().empty()) return "";
  return "VC_TEST_PG_URL is not set: run the suite with ./dev test, which starts a PostgreSQL "
         "for it (scripts/pg-test-cluster)";
}

// `url` with its search_path set to `schema`, and the schema's name as the
// connections' application_name (so a test can find and end them).
inline std::string WithSearchPath(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema + "&application_name=" + schema;
}

// A schema of its own on the test PostgreSQL, dropped on destruction.
class PgSchema {
 public:
  PgSchema() {
    static std::atomic<int> counter{0};
    std::string id = common::HexEncode(common::RandomBytes(6));
    name_ = "t_" + id + "_" + std::to_string(counter++);
    admin_ = Admin();
    if (admin_) (void)admin_->Exec("CREATE SCHEMA " + name_);
  }
  ~PgSchema() {
    if (admin_) (void)admin_->Exec("DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  bool ok() const { return admin_ != nullptr; }
  const std::string& name() const { return name_; }
  std::string url() const { return WithSearchPath(TestPostgresUrl(), name_); }

 private:
  static std::unique_ptr<common::Database> Admin() {
    common::PostgresOptions options;
    options.pool_size = 2;
    auto db = common::Database::OpenPostgres(TestPostgresUrl(), options);
    EXPECT_TRUE(db.ok()) << db.error().message;
    return db.ok() ? std::move(*db) : nullptr;
  }
  std::string name_;
  std::unique_ptr<common::Database> admin_;
};

// Opens a database of `backend` for one test: a file in a temp dir, or a
// fresh schema. Small pools: tests run in parallel against one server.
class TestDatabase {
 public:
  explicit TestDatabase(TestBackend backend) : backend_(backend) {
    if (backend == TestBackend::kPostgresql) schema_ = std::make_unique<PgSchema>();
  }
  // Opens (again) the same database; nullptr with a test failure when it cannot.
  std::unique_ptr<common::Database> Open(int connections = 3) const {
    auto db = backend_ == TestBackend::kSqlite
                  ? common::Database::Open(dir_.File("vc.db"), SqliteOptions())
                  : common::Database::OpenPostgres(schema_->url(), PgOptions(connections));
    EXPECT_TRUE(db.ok()) << db.error().message;
    return db.ok() ? std::move(*db) : nullptr;
  }
  TestBackend backend() const { return backend_; }
  // What a vcserver config's "storage" would name: the PostgreSQL URL ("" for SQLite).
  std::string url() const { return schema_ ? schema_->url() : ""; }
  const TempDir& dir() const { return dir_; }

 private:
  static common::DatabaseOptions SqliteOptions() {
    common::DatabaseOptions options;
    options.full_sync = false;
    return options;
  }
  static common::PostgresOptions PgOptions(int connections) {
    common::PostgresOptions options;
    options.pool_size = connections;
    return options;
  }
  TestBackend backend_;
  TempDir dir_;
  std::unique_ptr<PgSchema> schema_;
};

// For fixtures that open their database in their constructor: the backend to
// open, SQLite when PostgreSQL is asked for but missing (their SetUp then
// skips or fails with VC_SKIP_WITHOUT_BACKEND).
inline TestBackend UsableBackend(TestBackend backend) {
  return backend == TestBackend::kPostgresql && !PostgresMissing().empty() ? TestBackend::kSqlite
                                                                           : backend;
}

// A test fixture parameterised by engine; db() is open in the test body.
class BackendTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    if (GetParam() == TestBackend::kPostgresql) {
      if (const std::string why = PostgresMissing(); !why.empty()) {
        if (PostgresRequired()) FAIL() << why << " (VC_REQUIRE_PG=1)";
        GTEST_SKIP() << why;
      }
    }
    store_ = std::make_unique<TestDatabase>(GetParam());
    db_ = store_->Open();
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override {
    db_.reset();
    store_.reset();
  }

  common::Database& db() { return *db_; }
  TestDatabase& store() { return *store_; }
  bool postgres() const { return GetParam() == TestBackend::kPostgresql; }
  // Closes and opens the same database again (a restart).
  void Reopen() {
    db_.reset();
    db_ = store_->Open();
    ASSERT_NE(db_, nullptr);
  }

  std::unique_ptr<TestDatabase> store_;
  std::unique_ptr<common::Database> db_;
};

}  // namespace vc::testing

// In SetUp of a fixture that opened its database with UsableBackend().
#define VC_SKIP_WITHOUT_BACKEND(backend)                                  \
  if ((backend) == ::vc::testing::TestBackend::kPostgresql &&             \
      !::vc::testing::PostgresMissing().empty()) {                        \
    if (::vc::testing::PostgresRequired()) {                              \
      FAIL() << ::vc::testing::PostgresMissing() << " (VC_REQUIRE_PG=1)"; \
    }                                                                     \
    GTEST_SKIP() << ::vc::testing::PostgresMissing();                     \
  }

// A suite of a parameterised fixture that runs on SQLite only.
#define VC_INSTANTIATE_SQLITE(Suite)                                               \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                        \
                           ::testing::Values(::vc::testing::TestBackend::kSqlite), \
                           ::vc::testing::BackendName)

#define VC_INSTANTIATE_BACKENDS(Suite)                                                 \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                            \
                           ::testing::Values(::vc::testing::TestBackend::kSqlite,      \
                                             ::vc::testing::TestBackend::kPostgresql), \
                           ::vc::testing::BackendName)
