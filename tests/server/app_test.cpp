// The vcserver process: starts from a config or none, serves /healthz and
// /metrics, and refuses a bad config naming the field.
#include "server/app.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/http/http_client.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

std::string WriteConfig(const TempDir& dir, const std::string& json) {
  const std::string path = dir.File("config.json");
  std::ofstream(path) << json;
  return path;
}

TEST(App, StartsFromConfigAndAnswersHealthAndMetrics) {
  TempDir dir;
  const std::string data = dir.File("data");
  server::App app({WriteConfig(dir, R"({"environment":"test","listen":"127.0.0.1:0",
      "publicBaseUrl":"https://idv.example","dataDir":")" +
                                        data + R"(",
      "proofingProviders":{"sandbox":{"type":"sandbox"}},
      "orgs":[{"id":"acme","redirectUrls":["https://acme.example/done"],
               "keys":{"jwksUri":"https://acme.example/jwks.json"}}]})"),
                   "", ""});
  app.Start();
  common::CurlHttpClient http;
  auto health = common::Get(http, app.BaseUrl() + "/healthz");
  ASSERT_TRUE(health.ok()) << health.error().message;
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"ok"})");
  auto metrics = common::Get(http, app.BaseUrl() + "/metrics");
  EXPECT_NE(metrics->body.find("http_requests_total"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(data + "/vc.db"));
  EXPECT_TRUE(std::filesystem::exists(data + "/keys/rp-result/active"));
  // No demo RP outside development.
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/demo/rp/done")->status, 404);
  app.Stop();
}

TEST(App, EmbeddedDefaultsCreateTheDataDir) {
  TempDir dir;
  const std::string data = dir.File("var");
  server::App app({"", data, "127.0.0.1:0"});
  app.Start();
  EXPECT_TRUE(std::filesystem::is_directory(data + "/keys/rp-contoso"));
  EXPECT_NE(app.Greeting().find("vcctl jumpstart mint --org contoso"), std::string::npos);
  common::CurlHttpClient http;
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/healthz")->status, 200);
  // Port 0: the public URL, the demo RP and the did:web follow the bound port.
  EXPECT_EQ(app.config().public_base_url, app.BaseUrl());
  EXPECT_EQ(app.config().orgs[0].redirect_urls[0], app.BaseUrl() + "/demo/rp/done");
  EXPECT_NE(app.Greeting().find("--base-url " + app.BaseUrl()), std::string::npos);
  auto did = common::Get(http, app.BaseUrl() + "/.well-known/did.json");
  ASSERT_EQ(did->status, 200);
  EXPECT_NE(did->body.find(common::DidWebFromUrl(app.BaseUrl())), std::string::npos);
}

TEST(VcserverBinary, RefusesABadConfigNamingTheField) {
  TempDir dir;
  const auto config = WriteConfig(dir, R"({"listen":"127.0.0.1:0","orgs":[{"id":"a",
      "redirectUrls":["not a url"]}]})");
  auto r = RunBinary("vcserver", {"--config", config, "--data-dir", dir.File("d")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("orgs[0].redirectUrls[0]"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.File("d")))
      << "nothing is created before the config is valid";

  auto typo = RunBinary("vcserver", {"--config", WriteConfig(dir, R"({"lisen":"x"})")});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.output.find("lisen"), std::string::npos) << typo.output;

  auto missing = RunBinary("vcserver", {"--config", dir.File("nope.json")});
  EXPECT_EQ(missing.exit_code, 2);
  auto flag = RunBinary("vcserver", {"--bogus"});
  EXPECT_EQ(flag.exit_code, 2);
}

}  // namespace
}  // namespace vc::testing
