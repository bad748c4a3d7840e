// Credentials for accounts over the Casdoor-style API, in one vcserver (port 0):
// an app fills in and verifies a user's identity record, asks for a credential,
// `vcwallet accept` takes it with the PIN, and the offer's status, the audit log
// and the refusals (unverified, other org, org that does not issue, another
// user's offer) are as documented in docs/issuance.md.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "server/app.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kAcmeKey = "acme-app-key-0001";
constexpr const char* kPlainKey = "plain-app-key-0002";
constexpr const char* kAdminKey = "admin-key-0003";

std::string KeyEntry(const std::string& id, const std::string& org, const std::string& role,
                     const std::string& key) {
  return R"({"id":")" + id + R"(",)" + (org.empty() ? "" : R"("org":")" + org + R"(",)") +
         R"("role":")" + role + R"(","hash":"sha256:)" + common::HexEncode(common::Sha256(key)) +
         R"("})";
}

class AccountIssuanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.File("config.json"))
        << R"({"listen":"127.0.0.1:0","publicBaseUrl":"http://127.0.0.1:0","dataDir":")" +
               dir_.File("var") + R"(","proofingProviders":{"sandbox":{"type":"sandbox"}},
        "orgs":[{"id":"acme","name":"Acme","redirectUrls":["https://acme.example/done"],"pinLength":4},
                {"id":"plain","redirectUrls":["https://plain.example/done"],"issueCredential":false}],
        "apiKeys":[)" +
               KeyEntry("acme", "acme", "app", kAcmeKey) + "," +
               KeyEntry("plain", "plain", "app", kPlainKey) + "," +
               KeyEntry("ops", "", "admin", kAdminKey) + "]}";
    app_ = std::make_unique<server::App>(server::AppOptions{dir_.File("config.json"), "", ""});
    app_->Start();
  }
  void TearDown() override { app_->Stop(); }

  common::HttpResponse Call(const std::string& method, const std::string& path,
                            const std::string& key, const std::string& json = "") {
    common::HttpRequest req;
    req.method = method;
    req.url = app_->BaseUrl() + path;
    req.body = json;
    if (!json.empty()) req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("Authorization", "Bearer " + key);
    auto resp = http_.Send(req);
    if (!resp) {
      ADD_FAILURE() << method << " " << path << ": " << resp.error().message;
      return {};
    }
    return *resp;
  }

  // A record with the sandbox's valid PRC number, verified through the API.
  void VerifiedUser(const std::string& owner, const std::string& name, const std::string& key) {
    auto patched = Call(
        "PATCH", "/api/users/" + owner + "/" + name, key,
        R"({"realName":"Alice Chen","idCardType":"PRC_ID","idCardNumber":"11010519491231002X"})");
    ASSERT_EQ(patched.status, 200) << patched.body;
    auto verified = Call(
        "POST", "/api/verify-identification?owner=" + owner + "&name=" + name + "&provider=sandbox",
        key);
    ASSERT_EQ(verified.status, 200) << verified.body;
  }

  static std::string Field(const common::HttpResponse& r, const char* key) {
    auto doc = common::ParseJsonObject(r.body);
    if (!doc) return "";
    const rapidjson::Value* data = common::GetObject(*doc, "data");
    if (std::string(key) == "code")
      return std::string(common::GetString(*doc, "code").value_or(""));
    return data ? std::string(common::GetString(*data, key).value_or("")) : "";
  }

  TempDir dir_;
  std::unique_ptr<server::App> app_;
  common::CurlHttpClient http_;
};

TEST_F(AccountIssuanceTest, AVerifiedAccountGetsACredentialWithThePin) {
  auto patched = Call(
      "PATCH", "/api/users/acme/alice", kAcmeKey,
      R"({"realName":"Alice Chen","idCardType":"PRC_ID","idCardNumber":"11010519491231002X"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto early = Call("POST", "/api/users/acme/alice/credential", kAcmeKey);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(Field(early, "code"), "not_verified");
  VerifiedUser("acme", "alice", kAcmeKey);

  EXPECT_EQ(Call("POST", "/api/users/acme/alice/credential", kPlainKey).status, 403);
  auto offer = Call("POST", "/api/users/acme/alice/credential", kAcmeKey);
  ASSERT_EQ(offer.status, 201) << offer.body;
  const std::string url = Field(offer, "url"), id = Field(offer, "id"), pin = Field(offer, "pin");
  EXPECT_EQ(url.rfind("openid-vc://?request_uri=" + app_->BaseUrl() + "/v1.0/", 0), 0u) << url;
  EXPECT_EQ(Field(offer, "qrCode").rfind("data:image/png;base64,", 0), 0u);
  EXPECT_TRUE(std::regex_match(pin, std::regex("[0-9]{4}"))) << pin;
  EXPECT_EQ(Field(offer, "status"), "request_created");

  const std::string wallet = dir_.File("wallet.json");
  auto accepted = RunBinary("vcwallet", {"--wallet", wallet, "accept", url, "--pin", pin});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  std::string status;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (status != "issuance_successful" && std::chrono::steady_clock::now() < deadline) {
    status = Field(Call("GET", "/api/users/acme/alice/credential/" + id, kAcmeKey), "status");
    if (status != "issuance_successful") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, "issuance_successful");
  auto listed = RunBinary("vcwallet", {"--wallet", wallet, "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output.find("11010519491231002X"), std::string::npos);

  auto audit = Call("GET", "/api/audit?limit=1000", kAdminKey);
  EXPECT_NE(audit.body.find(
                R"("subject":"acme/alice","action":"issuance","outcome":"issuance_successful")"),
            std::string::npos)
      << audit.body;
  // Another user's path does not reveal the offer, even to an admin.
  VerifiedUser("acme", "bob", kAcmeKey);
  auto other = Call("GET", "/api/users/acme/bob/credential/" + id, kAdminKey);
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(Field(other, "code"), "issuance_not_found");
}

TEST_F(AccountIssuanceTest, AnOrgThatDoesNotIssueSaysSo) {
  VerifiedUser("plain", "carol", kPlainKey);
  auto refused = Call("POST", "/api/users/plain/carol/credential", kPlainKey);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(Field(refused, "code"), "issuance_not_configured");
  EXPECT_EQ(Call("POST", "/api/users/plain/carol/credential", "wrong-key").status, 401);
}

}  // namespace
}  // namespace vc::testing
