// OpenID4VP in one vcserver (port 0), with a credential from our own
// OpenID4VCI issuer: the account API offers a dc+sd-jwt credential, `vcwallet
// accept --tx-code` takes it, the application asks with the default policy and
// "protocol": "openid4vp", `vcwallet present` answers the openid4vp:// link
// disclosing only realName, and the result has exactly that claim. After
// `vcctl credential revoke` the next presentation is refused as revoked.
#include <gtest/gtest.h>

#include <fstream>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "server/app.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kAppKey = "acme-app-key-0001";
constexpr const char* kAdminKey = "admin-key-0003";

class Oid4vpFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto key = [](const std::string& id, const std::string& org, const std::string& role,
                        const std::string& k) {
      return R"({"id":")" + id + R"(",)" + (org.empty() ? "" : R"("org":")" + org + R"(",)") +
             R"("role":")" + role + R"(","hash":"sha256:)" + common::HexEncode(common::Sha256(k)) +
             R"("})";
    };
    std::ofstream(dir_.File("config.json"))
        << R"({"listen":"127.0.0.1:0","publicBaseUrl":"http://127.0.0.1:0","dataDir":")" +
               dir_.File("var") + R"(","proofingProviders":{"sandbox":{"type":"sandbox"}},
        "contracts":[{"id":"VerifiedIdentity","formats":["jwt_vc_json","dc+sd-jwt"],
          "claims":[{"inputClaim":"realName","required":true,"indexed":true},
                    {"inputClaim":"idCardType","outputClaim":"documentType"}]}],
        "orgs":[{"id":"acme","redirectUrls":["https://acme.example/done"]}],
        "apiKeys":[)" +
               key("acme", "acme", "app", kAppKey) + "," + key("ops", "", "admin", kAdminKey) +
               "]}";
    app_ = std::make_unique<server::App>(server::AppOptions{dir_.File("config.json"), "", ""});
    app_->Start();
  }
  void TearDown() override { app_->Stop(); }

  common::HttpResponse Call(const std::string& method, const std::string& path,
                            const std::string& json = "", const std::string& key = kAppKey) {
    common::HttpRequest req{method, app_->BaseUrl() + path, {}, json};
    if (!json.empty()) req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("Authorization", "Bearer " + key);
    auto resp = http_.Send(req);
    EXPECT_TRUE(resp) << method << " " << path;
    return resp ? *resp : common::HttpResponse{};
  }

  static std::string Str(const rapidjson::Value& v, const char* key) {
    return std::string(common::GetString(v, key).value_or(""));
  }

  // A verified record of acme/alice and its SD-JWT VC in the wallet.
  void TakeCredential() {
    ASSERT_EQ(Call("PATCH", "/api/users/acme/alice",
                   R"({"realName":"Alice Chen","idCardType":"PASSPORT","idCardNumber":"E1234567"})",
                   kAdminKey)
                  .status,
              200);
    ASSERT_EQ(Call("POST", "/api/verify-identification?owner=acme&name=alice&provider=sandbox", "",
                   kAdminKey)
                  .status,
              200);
    auto offer = Call("POST", "/api/users/acme/alice/credential", R"({"format":"dc+sd-jwt"})");
    ASSERT_EQ(offer.status, 201) << offer.body;
    auto doc = common::ParseJsonObject(offer.body);
    const auto& data = (*doc)["data"];
    auto accepted = Wallet({"accept", Str(data, "url"), "--tx-code", Str(data, "txCode")});
    ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  }

  // POST …/presentation-requests for the default policy over OpenID4VP: {id, url}.
  std::pair<std::string, std::string> Ask() {
    auto r = Call("POST", "/api/verifier/presentation-requests",
                  R"({"policy":"onboarding","protocol":"openid4vp"})");
    EXPECT_EQ(r.status, 201) << r.body;
    auto doc = common::ParseJsonObject(r.body);
    return {Str(*doc, "id"), Str(*doc, "url")};
  }

  CommandResult Wallet(std::vector<std::string> args) {
    args.insert(args.begin(), {"--wallet", dir_.File("wallet.json")});
    return RunBinary("vcwallet", args);
  }

  TempDir dir_;
  std::unique_ptr<server::App> app_;
  common::CurlHttpClient http_;
};

TEST_F(Oid4vpFlowTest, OurOwnSdJwtVcIsPresentedWithOnlyTheClaimAskedFor) {
  TakeCredential();
  auto [id, url] = Ask();
  EXPECT_EQ(url.rfind("openid4vp://?client_id=decentralized_identifier%3Adid%3Aweb%3A", 0), 0u)
      << url;
  auto presented = Wallet({"present", url});
  ASSERT_EQ(presented.exit_code, 0) << presented.output;
  auto result = Call("GET", "/api/verifier/presentation-requests/" + id);
  auto doc = common::ParseJsonObject(result.body);
  ASSERT_EQ(Str(*doc, "status"), "presentation_verified") << result.body;
  const auto& c = (*doc)["credentials"][0];
  EXPECT_EQ(Str(c, "issuer"), app_->BaseUrl());
  EXPECT_EQ(Str(c, "vct"), app_->BaseUrl() + "/oid4vci/types/VerifiedIdentity");
  EXPECT_EQ(common::ToJson(c["claims"]), R"({"realName":"Alice Chen"})");
  EXPECT_EQ(Str(c, "revocationStatus"), "VALID");

  // The same wallet, once the credential is revoked, is refused.
  auto revoke = RunBinary(
      "vcctl", {"credential", "revoke", "--subject", "acme/alice", "--data-dir", dir_.File("var")});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.output;
  auto [id2, url2] = Ask();
  auto refused = Wallet({"present", url2});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("revoked"), std::string::npos) << refused.output;
  auto failed =
      common::ParseJsonObject(Call("GET", "/api/verifier/presentation-requests/" + id2).body);
  EXPECT_EQ(Str(*failed, "status"), "presentation_error");
  EXPECT_EQ(Str((*failed)["error"], "code"), "revoked");
}

TEST_F(Oid4vpFlowTest, TheVerifierPublishesItsDidAndTheDemoPageOffersBothProtocols) {
  auto did = common::Get(http_, app_->BaseUrl() + "/oid4vp/did.json");
  ASSERT_TRUE(did && did->status == 200);
  auto doc = common::ParseJsonObject(did->body);
  EXPECT_EQ(Str(*doc, "id").rfind("did:web:127.0.0.1%3A", 0), 0u) << did->body;
  EXPECT_NE(Str(*doc, "id").find(":oid4vp"), std::string::npos);
  auto page = common::Get(http_, app_->BaseUrl() + "/verifier");
  ASSERT_TRUE(page && page->status == 200);
  EXPECT_NE(page->body.find(R"(<option value="openid4vp">)"), std::string::npos);
  EXPECT_NE(page->body.find(R"(<option value="entra">)"), std::string::npos);
  // A wallet with nothing to show tells the verifier, which records it.
  auto [id, url] = Ask();
  auto refused = Wallet({"present", url});
  EXPECT_NE(refused.exit_code, 0);
  auto result =
      common::ParseJsonObject(Call("GET", "/api/verifier/presentation-requests/" + id).body);
  EXPECT_EQ(Str((*result)["error"], "code"), "wallet_error");
}

}  // namespace
}  // namespace vc::testing
