// Issuance settings end to end: a per-org PIN (shown on the page, wrong PINs
// end the request with issuance_error, the page offers a fresh code that then
// works), and the Auth0 intake issuing when its tenant names a contract.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "server/app.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kAuth0Secret = "auth0-action-secret-0123456789abcdef";

class IssuanceOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = dir_.File("config.json");
    std::ofstream(path) << R"({"listen":"127.0.0.1:0","dataDir":")" + dir_.File("var") + R"(",
        "orgs":[{"id":"contoso","name":"Contoso","redirectUrls":["https://contoso.example/done"],
                 "pinLength":4}],
        "auth0":[{"domain":"tenant.auth0.example","tokenSecret":")" +
                               kAuth0Secret + R"(",
                  "contract":"VerifiedIdentity"}]})";
    app_ = std::make_unique<server::App>(server::AppOptions{path, "", ""});
    app_->Start();
  }
  void TearDown() override { app_->Stop(); }

  // Accepts the offer in `url` with `pin`; true when the wallet finished.
  bool Accept(const std::string& url, const std::string& pin) {
    auto r =
        RunBinary("vcwallet", {"--wallet", dir_.File("wallet.json"), "accept", url, "--pin", pin});
    return r.exit_code == 0;
  }

  TempDir dir_;
  std::unique_ptr<server::App> app_;
};

TEST_F(IssuanceOptionsTest, WrongPinsEndTheRequestAndAFreshCodeWorks) {
  Journey j(app_->BaseUrl());
  j.Start(Journey::DemoRpKey(dir_.File("var")), "https://contoso.example/done");
  ASSERT_EQ(j.ProofAndContinue(), "/issuance/" + j.session());
  auto page = j.Send("GET", "/issuance/" + j.session(), "");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("id=\"pin\">([0-9]{4})<"))) << page.body;
  const std::string pin = m[1];
  const std::string wrong = pin == "0000" ? "1111" : "0000";
  const std::string url = j.DeepLink();
  const std::string first = j.IssuanceId();
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Accept(url, wrong));
  EXPECT_EQ(j.WaitForStatus(first, "issuance_error"), "issuance_error");
  page = j.Send("GET", "/issuance/" + j.session(), "");
  EXPECT_NE(page.body.find("data-state=\"issuance_error\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"new-code\""), std::string::npos);
  EXPECT_EQ(page.body.find("id=\"pin\""), std::string::npos);  // the old PIN is gone

  ASSERT_EQ(j.Send("POST", "/issuance/" + j.session() + "/new", "").status, 303);
  const std::string second = j.IssuanceId();
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  page = j.Send("GET", "/issuance/" + j.session(), "");
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("id=\"pin\">([0-9]{4})<")));
  EXPECT_TRUE(Accept(j.DeepLink(), m[1]));
  EXPECT_EQ(j.WaitForStatus(second, "issuance_successful"), "issuance_successful");
  auto back = j.Send("POST", "/issuance/" + j.session() + "/continue", "");
  ASSERT_EQ(back.status, 303);
  EXPECT_EQ(j.VerifiedReturn(std::string(back.Header("location").value_or(""))).Get("status"),
            "issued");
}

TEST_F(IssuanceOptionsTest, Auth0TenantWithAContractIssuesToo) {
  const int64_t now = std::time(nullptr);
  const std::string payload = R"({"sub":"auth0|42","iss":"tenant.auth0.example","iat":)" +
                              std::to_string(now) + R"(,"exp":)" + std::to_string(now + 300) + "}";
  auto token = common::SignCompact(common::Jwk::FromSecret(kAuth0Secret), common::JwsAlg::kHS256,
                                   payload, {"JWT", "", ""});
  ASSERT_TRUE(token.ok());
  Journey j(app_->BaseUrl());
  j.StartAt("/id-verification?token=" + *token + "&state=st-1");
  ASSERT_EQ(j.ProofAndContinue(), "/issuance/" + j.session());
  const std::string id = j.IssuanceId();
  EXPECT_TRUE(Accept(j.DeepLink(), ""));
  EXPECT_EQ(j.WaitForStatus(id, "issuance_successful"), "issuance_successful");
  auto back = j.Send("POST", "/issuance/" + j.session() + "/continue", "");
  ASSERT_EQ(back.status, 200) << back.body;  // Auth0: an auto-submitting form
  EXPECT_NE(back.body.find("action=\"https://tenant.auth0.example/continue?state=st-1\""),
            std::string::npos)
      << back.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(back.body, m, std::regex("name=\"token\" value=\"([^\"]+)\"")));
  auto result = common::VerifyCompact(std::string(m[1]), common::Jwk::FromSecret(kAuth0Secret),
                                      {common::JwsAlg::kHS256});
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->payload.find(R"("status":"success")"), std::string::npos) << result->payload;
}

}  // namespace
}  // namespace vc::testing
