// vcserver and key files that other users may read (a key copied in with cp,
// a restored backup): production refuses to start and names the file, other
// environments start and log a warning. Files the key store writes itself are
// created 0600 (tests/keys/key_store_test.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/app.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {
namespace fs = std::filesystem;

class KeyPermissionsTest : public ::testing::Test {
 protected:
  // A data dir whose key store holds a secret with mode `mode`; the file's path.
  std::string PlantSecret(fs::perms mode) {
    const fs::path secrets = fs::path(data_) / "keys" / "secrets";
    fs::create_directories(secrets);
    const fs::path file = secrets / "issuer-callback-api-key";
    std::ofstream(file) << "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\n";
    fs::permissions(file, mode);
    return file.string();
  }

  std::string Config(const std::string& environment) {
    const std::string path = dir_.File("config.json");
    std::ofstream(path) << R"({"environment":")" + environment + R"(","listen":"127.0.0.1:0",
      "publicBaseUrl":"https://idv.example","dataDir":")" +
                               data_ + R"(",
      "proofingProviders":{"jumio":{"type":"jumio","clientId":"c","clientSecret":"s"}},
      "orgs":[{"id":"contoso","redirectUrls":["https://contoso.example/done"],
               "keys":{"jwksUri":"https://contoso.example/jwks.json"}}]})";
    return path;
  }

  TempDir dir_;
  std::string data_ = dir_.File("data");
};

TEST_F(KeyPermissionsTest, ProductionRefusesAGroupOrWorldReadableKeyFileAndNamesIt) {
  const std::string file = PlantSecret(fs::perms(0644));
  try {
    server::App app({Config("production"), "", ""});
    FAIL() << "a world-readable key file must stop a production start";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("key file " + file), std::string::npos) << message;
    EXPECT_NE(message.find("0644"), std::string::npos) << message;
    EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
  }
  // Group-readable only is refused too.
  fs::permissions(file, fs::perms(0640));
  EXPECT_THROW(server::App({Config("production"), "", ""}), std::runtime_error);
}

TEST_F(KeyPermissionsTest, DevelopmentWarnsAndStarts) {
  const std::string file = PlantSecret(fs::perms(0644));
  server::App app({"", data_, "127.0.0.1:0"});
  app.Start();
  EXPECT_FALSE(app.BaseUrl().empty());
  app.Stop();
  // Warned about, not silently changed: the operator decides.
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms(0644));
}

}  // namespace
}  // namespace vc::testing
