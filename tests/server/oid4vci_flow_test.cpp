// OpenID4VCI in one vcserver (port 0): an app verifies a user's record, asks
// for a dc+sd-jwt credential, `vcwallet accept --tx-code` completes the
// pre-authorized code flow, the offer reports credential_issued, the audit log
// has it, and `vcctl credential revoke` flips the credential's status in the
// served Token Status List (and a VC-JWT's in the Bitstring list).
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "credentials/sd_jwt.h"
#include "credentials/token_status_list.h"
#include "server/app.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kAppKey = "acme-app-key-0001";
constexpr const char* kAdminKey = "admin-key-0003";

class Oid4vciFlowTest : public ::testing::Test {
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
        "contracts":[{"id":"Pid","formats":["jwt_vc_json","dc+sd-jwt"],
          "claims":[{"inputClaim":"realName","required":true,"indexed":true},
                    {"inputClaim":"idCardType"}]},
          {"id":"EntraOnly"}],
        "orgs":[{"id":"acme","name":"Acme","redirectUrls":["https://acme.example/done"],
                 "contract":"Pid","pinLength":4},
                {"id":"old","redirectUrls":["https://old.example/done"],"contract":"EntraOnly"}],
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

  void VerifiedUser(const std::string& owner, const std::string& name) {
    ASSERT_EQ(Call("PATCH", "/api/users/" + owner + "/" + name,
                   R"({"realName":"Alice Chen","idCardType":"PRC_ID",)"
                   R"("idCardNumber":"11010519491231002X"})",
                   kAdminKey)
                  .status,
              200);
    ASSERT_EQ(
        Call("POST",
             "/api/verify-identification?owner=" + owner + "&name=" + name + "&provider=sandbox",
             "", kAdminKey)
            .status,
        200);
  }

  static std::string Field(const common::HttpResponse& r, const char* key) {
    auto doc = common::ParseJsonObject(r.body);
    if (!doc) return "";
    if (std::string(key) == "code")
      return std::string(common::GetString(*doc, "code").value_or(""));
    const rapidjson::Value* data = common::GetObject(*doc, "data");
    return data ? std::string(common::GetString(*data, key).value_or("")) : "";
  }

  // The held credentials of a wallet file.
  std::vector<std::string> Held(const std::string& wallet) {
    auto listed = RunBinary("vcwallet", {"--wallet", wallet, "list", "--json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.output;
    auto doc = common::ParseJson(listed.output);
    std::vector<std::string> out;
    if (doc && doc->IsArray())
      for (const auto& v : doc->GetArray()) out.emplace_back(v.GetString());
    return out;
  }

  // The status of an SD-JWT VC, read from its served Token Status List.
  int StatusOf(const std::string& sd_jwt) {
    auto parts = credentials::SplitSdJwt(sd_jwt);
    auto payload = common::ParseJsonObject(common::ParseCompact(parts->issuer_jwt)->payload);
    const auto& sl = (*payload)["status"]["status_list"];
    const std::string uri(common::GetString(sl, "uri").value_or(""));
    auto token = common::Get(http_, uri);
    EXPECT_EQ(token->Header("content-type").value_or(""), "application/statuslist+jwt");
    auto md = common::ParseJsonObject(
        common::Get(http_, app_->BaseUrl() + "/.well-known/jwt-vc-issuer")->body);
    auto jwks = common::Jwks::FromJsonText(common::ToJson((*md)["jwks"]));
    auto header = common::ParseCompact(token->body);
    auto v = credentials::VerifyStatusListToken(token->body, *jwks->FindByKid(header->kid), uri,
                                                std::time(nullptr));
    EXPECT_TRUE(v) << (v ? "" : v.error().message);
    return v ? v->list.Get(static_cast<size_t>(*common::GetInt64(sl, "idx"))) : -1;
  }

  TempDir dir_;
  std::unique_ptr<server::App> app_;
  common::CurlHttpClient http_;
};

TEST_F(Oid4vciFlowTest, VcwalletTakesAnSdJwtVcWithTheTxCodeAndVcctlRevokesIt) {
  VerifiedUser("acme", "alice");
  auto offer = Call("POST", "/api/users/acme/alice/credential", R"({"format":"dc+sd-jwt"})");
  ASSERT_EQ(offer.status, 201) << offer.body;
  const std::string url = Field(offer, "url"), id = Field(offer, "id"), tx = Field(offer, "txCode");
  EXPECT_EQ(url.rfind("openid-credential-offer://?credential_offer_uri=", 0), 0u) << url;
  EXPECT_TRUE(std::regex_match(tx, std::regex("[0-9]{6}"))) << tx;
  EXPECT_EQ(Field(offer, "status"), "offer_created");
  EXPECT_EQ(Field(offer, "qrCode").rfind("data:image/png;base64,", 0), 0u);

  const std::string wallet = dir_.File("wallet.json");
  auto no_code = RunBinary("vcwallet", {"--wallet", wallet, "accept", url});
  EXPECT_NE(no_code.exit_code, 0);
  EXPECT_NE(no_code.output.find("--tx-code"), std::string::npos) << no_code.output;
  const std::string wrong = tx == "000000" ? "111111" : "000000";
  auto refused = RunBinary("vcwallet", {"--wallet", wallet, "accept", url, "--tx-code", wrong});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.output.find("invalid_grant"), std::string::npos) << refused.output;
  auto accepted = RunBinary("vcwallet", {"--wallet", wallet, "accept", url, "--tx-code", tx});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_EQ(Field(Call("GET", "/api/users/acme/alice/credential/" + id), "status"),
            "credential_issued");

  auto listed = RunBinary("vcwallet", {"--wallet", wallet, "list"});
  for (const std::string& line :
       {std::string("format:  dc+sd-jwt\n"), "type:    " + app_->BaseUrl() + "/oid4vci/types/Pid\n",
        "issuer:  " + app_->BaseUrl() + "\n"}) {
    EXPECT_NE(listed.output.find(line), std::string::npos) << line << listed.output;
  }
  const std::vector<std::string> held = Held(wallet);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].find("11010519491231002X"), std::string::npos);  // not mapped, not issued
  auto audit = Call("GET", "/api/audit?limit=1000", "", kAdminKey);
  EXPECT_NE(audit.body.find(R"("subject":"acme/alice","action":"issuance",)"
                            R"("outcome":"credential_issued")"),
            std::string::npos)
      << audit.body;

  EXPECT_EQ(StatusOf(held[0]), 0);
  auto revoked = RunBinary(
      "vcctl", {"credential", "revoke", "--subject", "acme/alice", "--data-dir", dir_.File("var")});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_NE(revoked.output.find("and 1 SD-JWT VC(s)"), std::string::npos) << revoked.output;
  EXPECT_EQ(StatusOf(held[0]), 1);
}

TEST_F(Oid4vciFlowTest, VcctlRevokesAVcJwtAndExplainsItself) {
  VerifiedUser("acme", "bob");
  auto offer = Call("POST", "/api/users/acme/bob/credential");  // no body: the Entra path
  ASSERT_EQ(offer.status, 201) << offer.body;
  const std::string wallet = dir_.File("wallet.json");
  auto accepted = RunBinary("vcwallet", {"--wallet", wallet, "accept", Field(offer, "url"), "--pin",
                                         Field(offer, "pin")});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  const std::vector<std::string> held = Held(wallet);
  ASSERT_EQ(held.size(), 1u);
  auto payload = common::ParseJsonObject(common::ParseCompact(held[0], 65536)->payload);
  const std::string jti(common::GetString(*payload, "jti").value_or(""));
  auto revoked =
      RunBinary("vcctl", {"credential", "revoke", "--id", jti, "--data-dir", dir_.File("var")});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_NE(revoked.output.find("revoked 1 VC-JWT(s)"), std::string::npos) << revoked.output;
  auto none = RunBinary("vcctl", {"credential", "revoke", "--id", "urn:uuid:nothing", "--data-dir",
                                  dir_.File("var")});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.output.find("no credential matched"), std::string::npos);
  auto help = RunBinary("vcctl", {"credential", "revoke", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Token Status List"), std::string::npos);
  EXPECT_EQ(RunBinary("vcctl", {"credential", "revoke", "--data-dir", "x"}).exit_code, 2);
}

TEST_F(Oid4vciFlowTest, AccountApiRefusesFormatsTheContractDoesNotOffer) {
  VerifiedUser("acme", "carol");
  auto bad = Call("POST", "/api/users/acme/carol/credential", R"({"format":"ldp_vc"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Field(bad, "code"), "unsupported_credential_format");
  VerifiedUser("old", "dave");
  auto entra_only =
      Call("POST", "/api/users/old/dave/credential", R"({"format":"dc+sd-jwt"})", kAdminKey);
  EXPECT_EQ(entra_only.status, 400) << entra_only.body;
  EXPECT_EQ(Field(entra_only, "code"), "unsupported_credential_format");
  auto metadata = common::Get(http_, app_->BaseUrl() + "/.well-known/openid-credential-issuer");
  ASSERT_EQ(metadata->status, 200);
  EXPECT_NE(metadata->body.find(R"("Pid":{"format":"dc+sd-jwt")"), std::string::npos);
  EXPECT_EQ(metadata->body.find("EntraOnly"), std::string::npos);
}

}  // namespace
}  // namespace vc::testing
