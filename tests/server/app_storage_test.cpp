// vcserver on PostgreSQL (docs/deployment.md): keys sealed in the database,
// a clear refusal to start without it, 503 with Retry-After while it is lost,
// and recovery when it is back. On SQLite: one instance per file.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/base/crypto.h"
#include "common/http/http_client.h"
#include "server/app.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace vc::testing {
namespace {

class AppStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = PostgresMissing(); !why.empty()) {
      if (PostgresRequired()) FAIL() << why << " (VC_REQUIRE_PG=1)";
      GTEST_SKIP() << why;
    }
    schema_ = std::make_unique<PgSchema>();
    ASSERT_TRUE(schema_->ok());
  }
  std::string Config(const std::string& data, const std::string& url) {
    const std::string path = dir_.File("config.json");
    std::ofstream(path) << R"({"listen":"127.0.0.1:0","dataDir":")" << data
                        << R"(","storage":{"type":"postgresql","url":")" << url
                        << R"(","poolSize":3,"keyEncryptionKey":")" << kek_ << R"("}})";
    return path;
  }
  // Ends the connections of the schema's sessions, as a database restart would.
  void TerminateConnections() {
    auto admin = common::Database::OpenPostgres(TestPostgresUrl(), common::PostgresOptions{2, 5});
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE((*admin)
                    ->Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                           "application_name = '" +
                           schema_->name() + "'")
                    .ok());
  }

  TempDir dir_;
  const std::string kek_ = common::HexEncode(common::RandomBytes(32));
  std::unique_ptr<PgSchema> schema_;
  common::CurlHttpClient http_;
};

TEST_F(AppStorageTest, KeysLiveSealedInTheDatabaseAndSurviveAnotherDataDir) {
  std::string jwks;
  {
    server::App app({Config(dir_.File("a"), schema_->url()), "", ""});
    app.Start();
    jwks = common::Get(http_, app.BaseUrl() + "/.well-known/jwks.json")->body;
    EXPECT_NE(jwks.find("\"kid\""), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir_.File("a") + "/keys"));
    EXPECT_FALSE(std::filesystem::exists(dir_.File("a") + "/vc.db"));
    app.Stop();
  }
  // Another instance (another data directory) has the same keys.
  server::App other({Config(dir_.File("b"), schema_->url()), "", ""});
  other.Start();
  EXPECT_EQ(common::Get(http_, other.BaseUrl() + "/.well-known/jwks.json")->body, jwks);
  other.Stop();
}

TEST_F(AppStorageTest, AnUnreachableDatabaseStopsTheStartWithAClearError) {
  auto r = RunBinary("vcserver",
                     {"--config", Config(dir_.File("x"), "postgresql://vc:s3cret@127.0.0.1:1/vc")});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(
      r.output.find("cannot open the database storage.url (postgresql://vc:***@127.0.0.1:1/vc)"),
      std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("s3cret"), std::string::npos);
}

// SQLite serves one instance (its one-time claims are indexed in the writer's
// memory): a second vcserver on the same data directory stops at start and
// says why; the first goes on serving.
TEST(AppSqliteStorage, ASecondInstanceOnTheSameFileStopsTheStart) {
  TempDir dir;
  const std::string config = dir.File("config.json");
  std::ofstream(config) << R"({"listen":"127.0.0.1:0","dataDir":")" << dir.File("data") << R"("})";
  server::App app({config, "", ""});
  app.Start();
  auto r = RunBinary("vcserver", {"--config", config});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("vc.db is in use by another vcserver (it holds "), std::string::npos)
      << r.output;
  common::CurlHttpClient http;
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/healthz")->status, 200);
  app.Stop();
}

TEST_F(AppStorageTest, AWrongKeyEncryptionKeyStopsTheStart) {
  { server::App app({Config(dir_.File("a"), schema_->url()), "", ""}); }
  const std::string wrong = R"({"listen":"127.0.0.1:0","dataDir":")" + dir_.File("w") +
                            R"(","storage":{"type":"postgresql","url":")" + schema_->url() +
                            R"(","keyEncryptionKey":")" + std::string(64, 'b') + R"("}})";
  std::ofstream(dir_.File("wrong.json")) << wrong;
  auto r = RunBinary("vcserver", {"--config", dir_.File("wrong.json")});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("storage.keyEncryptionKey does not open"), std::string::npos) << r.output;
}

// Lost at run time: a jumpstart link is answered 503 with Retry-After and
// claims nothing; once the connections are back the same link opens a session.
TEST_F(AppStorageTest, ALostDatabaseIs503WithRetryAfterAndRecovers) {
  server::App app({Config(dir_.File("a"), schema_->url()), "", ""});
  app.Start();
  const std::string base = app.BaseUrl();
  auto minted = RunBinary("vcctl", {"jumpstart", "mint", "--org", "contoso", "--key",
                                    dir_.File("a") + "/demo-rp-contoso.pem", "--redirect-url",
                                    app.config().orgs[0].redirect_urls[0], "--base-url", base});
  ASSERT_EQ(minted.exit_code, 0) << minted.output;
  const std::string link = minted.output.substr(0, minted.output.find('\n'));
  TerminateConnections();
  common::HttpRequest req;
  req.url = link;
  req.headers = {{"Accept", "application/json"}};
  auto refused = http_.Send(req);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 503) << refused->body;
  EXPECT_NE(refused->body.find("storage_unavailable"), std::string::npos) << refused->body;
  EXPECT_EQ(refused->Header("retry-after"), "5");
  // Reconnection is tried with a backoff of 100 ms, then more.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  auto opened = http_.Send(req);
  while (opened.ok() && opened->status == 503 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(
        std::chrono::milliseconds(50));  // as a client honouring Retry-After
    opened = http_.Send(req);
  }
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->status, 303) << opened->body;
  app.Stop();
}

}  // namespace
}  // namespace vc::testing
