// The proofing wiring of vcserver: the sandbox is refused in production, and
// the Casdoor-style API and audit log answer with keys from config.
#include <gtest/gtest.h>

#include <fstream>

#include "common/base/crypto.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "server/app.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

std::string WriteConfig(const TempDir& dir, const std::string& json) {
  const std::string path = dir.File("config.json");
  std::ofstream(path) << json;
  return path;
}

std::string Config(const TempDir& dir, const std::string& environment) {
  const std::string admin_hash = common::HexEncode(common::Sha256("admin-secret-key"));
  return R"({"environment":")" + environment + R"(","listen":"127.0.0.1:0",
      "publicBaseUrl":"https://idv.example","dataDir":")" +
         dir.File("data") + R"(",
      "proofingProviders":{"sandbox":{"type":"sandbox"}},
      "apiKeys":[{"id":"ops","role":"admin","hash":"sha256:)" +
         admin_hash + R"("}],
      "orgs":[{"id":"acme","redirectUrls":["https://acme.example/done"],
               "keys":{"jwksUri":"https://acme.example/jwks.json"}}]})";
}

TEST(AppProofing, SandboxIsRefusedInProduction) {
  TempDir dir;
  try {
    server::App app({WriteConfig(dir, Config(dir, "production")), "", ""});
    FAIL() << "a sandbox provider must not start in production";
  } catch (const common::ConfigError& e) {
    // The config loader refuses it first; ProofingWiring and ProofingService refuse it again.
    EXPECT_EQ(e.path().rfind("proofingProviders.sandbox", 0), 0u) << e.path();
    EXPECT_NE(std::string(e.what()).find("production"), std::string::npos);
  }
}

TEST(AppProofing, AuditAndProviderTestAnswerTheAdminKey) {
  TempDir dir;
  server::App app({WriteConfig(dir, Config(dir, "test")), "", ""});
  app.Start();
  common::CurlHttpClient http;
  const common::HttpHeaders admin = {{"Authorization", "Bearer admin-secret-key"}};
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/api/audit")->status, 401);
  auto tested = common::PostJson(http, app.BaseUrl() + "/api/providers/sandbox/test", "", admin);
  EXPECT_EQ(tested->status, 200) << tested->body;
  auto audit = common::Get(http, app.BaseUrl() + "/api/audit", admin);
  EXPECT_EQ(audit->status, 200);
  EXPECT_NE(audit->body.find(R"("action":"provider_test")"), std::string::npos) << audit->body;
  app.Stop();
}

}  // namespace
}  // namespace vc::testing
