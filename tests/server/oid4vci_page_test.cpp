// The issuance page after proofing, for contracts that list dc+sd-jwt: both
// codes (Entra and OpenID4VCI, with its tx_code) side by side, the page
// following whichever the wallet completes, and a dc+sd-jwt-only contract.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "server/app.h"
#include "tests/server/issuance_flow.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

constexpr const char* kRedirect = "https://contoso.example/done";

std::string Match(const std::string& body, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(body, m, std::regex(pattern)) ? std::string(m[1]) : "";
}

class Oid4vciPageTest : public ::testing::Test {
 protected:
  void StartApp(const std::string& formats) {
    std::ofstream(dir_.File("config.json"))
        << R"({"listen":"127.0.0.1:0","publicBaseUrl":"http://127.0.0.1:0","dataDir":")" +
               dir_.File("var") + R"(","proofingProviders":{"sandbox":{"type":"sandbox"}},
        "contracts":[{"id":"Pid","formats":)" +
               formats + R"(,"claims":[{"inputClaim":"realName","required":true}]}],
        "orgs":[{"id":"contoso","name":"Contoso","redirectUrls":[")" +
               kRedirect + R"("]}]})";
    app_ = std::make_unique<server::App>(server::AppOptions{dir_.File("config.json"), "", ""});
    app_->Start();
    journey_ = std::make_unique<Journey>(app_->BaseUrl());
    journey_->Start(Journey::DemoRpKey(dir_.File("var")), kRedirect);
    ASSERT_EQ(journey_->ProofAndContinue(), "/issuance/" + journey_->session());
  }
  void TearDown() override {
    if (app_) app_->Stop();
  }

  std::string Page() { return journey_->Send("GET", "/issuance/" + journey_->session(), "").body; }

  TempDir dir_;
  std::unique_ptr<server::App> app_;
  std::unique_ptr<Journey> journey_;
};

TEST_F(Oid4vciPageTest, BothCodesAreShownAndTheOpenId4VciWalletCompletes) {
  StartApp(R"(["jwt_vc_json","dc+sd-jwt"])");
  const std::string page = Page();
  EXPECT_NE(page.find("data-state=\"request_created\""), std::string::npos);
  EXPECT_EQ(Match(page, "id=\"open-wallet\" href=\"(openid-vc://[^\"]+)\"").empty(), false);
  const std::string offer_link =
      Match(page, "id=\"open-oid4vci-wallet\" href=\"(openid-credential-offer://[^\"]+)\"");
  const std::string tx = Match(page, "id=\"tx-code\">([0-9]{6})<");
  const std::string offer_id = Match(page, "id=\"oid4vci\" data-id=\"([^\"]+)\"");
  ASSERT_FALSE(offer_link.empty()) << page;
  ASSERT_FALSE(tx.empty()) << page;
  ASSERT_FALSE(offer_id.empty()) << page;
  auto early = journey_->Send("POST", "/issuance/" + journey_->session() + "/continue", "");
  EXPECT_EQ(early.status, 409);

  const std::string link = std::regex_replace(offer_link, std::regex("&amp;"), "&");
  auto accepted = RunBinary(
      "vcwallet", {"--wallet", dir_.File("wallet.json"), "accept", link, "--tx-code", tx});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  auto status = journey_->Send("GET", "/api/issuer/offer-status?id=" + offer_id, "");
  EXPECT_EQ(status.status, 200);
  EXPECT_NE(status.body.find(R"("status":"credential_issued")"), std::string::npos) << status.body;
  const std::string cookie = journey_->cookie();
  journey_->set_cookie("");
  EXPECT_EQ(journey_->Send("GET", "/api/issuer/offer-status?id=" + offer_id, "").status, 403);
  journey_->set_cookie(cookie);
  EXPECT_NE(Page().find("data-state=\"issuance_successful\""), std::string::npos);
  auto back = journey_->Send("POST", "/issuance/" + journey_->session() + "/continue", "");
  ASSERT_EQ(back.status, 303) << back.body;
  auto query = journey_->VerifiedReturn(std::string(back.Header("location").value_or("")));
  EXPECT_EQ(query.Get("status").value_or(""), "issued");
}

TEST_F(Oid4vciPageTest, ASdJwtOnlyContractShowsOnlyTheOpenId4VciCode) {
  StartApp(R"(["dc+sd-jwt"])");
  const std::string page = Page();
  EXPECT_NE(page.find("data-state=\"request_created\""), std::string::npos) << page;
  EXPECT_EQ(page.find("id=\"open-wallet\""), std::string::npos);
  EXPECT_NE(page.find("id=\"open-oid4vci-wallet\""), std::string::npos);
  EXPECT_NE(page.find("id=\"tx-code\""), std::string::npos);
  EXPECT_NE(page.find("id=\"skip\""), std::string::npos);
}

}  // namespace
}  // namespace vc::testing
