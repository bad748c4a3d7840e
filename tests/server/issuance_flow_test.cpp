// The whole journey over real HTTP in one vcserver (embedded defaults on port
// 0): jumpstart link from `vcctl jumpstart mint` → sandbox proofing →
// createIssuanceRequest to the embedded Request Service → `vcwallet accept` →
// callbacks → issuance_successful → 303 to the RP with a result that verifies.
#include "tests/server/issuance_flow.h"

#include <gtest/gtest.h>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "keys/key_store.h"
#include "server/app.h"
#include "tests/support/run.h"
#include "tests/support/temp_dir.h"

namespace vc::testing {
namespace {

class IssuanceFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    app_ = std::make_unique<server::App>(server::AppOptions{"", data_, "127.0.0.1:0"});
    app_->Start();
    journey_ = std::make_unique<Journey>(app_->BaseUrl());
  }
  void TearDown() override { app_->Stop(); }

  std::string RedirectUrl() const { return app_->BaseUrl() + "/demo/rp/done"; }

  TempDir dir_;
  std::string data_ = dir_.File("var");
  std::unique_ptr<server::App> app_;
  std::unique_ptr<Journey> journey_;
};

TEST_F(IssuanceFlowTest, JumpstartToWalletAndBackToTheRp) {
  journey_->Start(Journey::DemoRpKey(data_), RedirectUrl());
  const std::string next = journey_->ProofAndContinue();
  ASSERT_EQ(next, "/issuance/" + journey_->session());
  const std::string url = journey_->DeepLink();
  ASSERT_EQ(url.rfind("openid-vc://?request_uri=" + app_->BaseUrl() + "/v1.0/", 0), 0u) << url;
  const std::string id = journey_->IssuanceId();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(journey_->WaitForStatus(id, "request_created"), "request_created");
  // Continuing before the wallet finished is refused.
  EXPECT_EQ(journey_->Send("POST", "/issuance/" + journey_->session() + "/continue", "").status,
            409);

  const std::string wallet = dir_.File("wallet.json");
  auto accepted = RunBinary("vcwallet", {"--wallet", wallet, "accept", url});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.output;
  EXPECT_EQ(journey_->WaitForStatus(id, "issuance_successful"), "issuance_successful");

  // The credential carries the contract's claims and not the ID number.
  auto listed = RunBinary("vcwallet", {"--wallet", wallet, "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output.find("11010519491231002X"), std::string::npos);

  auto back = journey_->Send("POST", "/issuance/" + journey_->session() + "/continue", "");
  ASSERT_EQ(back.status, 303) << back.body;
  const std::string location(back.Header("location").value_or(""));
  ASSERT_EQ(location.rfind(RedirectUrl() + "?", 0), 0u) << location;
  auto query = journey_->VerifiedReturn(location);
  EXPECT_EQ(query.Get("status"), "issued");
  EXPECT_FALSE(query.Get("RequestId").value_or("").empty());
  // The session has ended: a second continue is refused, the page says so.
  EXPECT_EQ(journey_->Send("POST", "/issuance/" + journey_->session() + "/continue", "").status,
            409);
}

TEST_F(IssuanceFlowTest, TheIssuancePageNeedsTheSessionCookieAndAVerifiedIdentity) {
  journey_->Start(Journey::DemoRpKey(data_), RedirectUrl());
  // Not proofed yet: no code, no way back as "verified".
  EXPECT_EQ(journey_->Send("GET", "/issuance/" + journey_->session(), "").status, 409);
  EXPECT_EQ(journey_->Send("POST", "/issuance/" + journey_->session() + "/skip", "").status, 409);
  EXPECT_EQ(journey_->Send("POST", "/issuance/" + journey_->session() + "/new", "").status, 409);
  ASSERT_EQ(journey_->ProofAndContinue(), "/issuance/" + journey_->session());
  const std::string id = journey_->IssuanceId();
  const std::string cookie = journey_->cookie();
  journey_->set_cookie("");
  EXPECT_EQ(journey_->Send("GET", "/issuance/" + journey_->session(), "").status, 403);
  EXPECT_EQ(journey_->Send("GET", "/api/issuer/request-status?id=" + id, "").status, 403);
  EXPECT_EQ(journey_->Send("GET", "/issuance/" + journey_->session() + "/qr.png", "").status, 403);
  journey_->set_cookie(cookie);
  auto png = journey_->Send("GET", "/issuance/" + journey_->session() + "/qr.png", "");
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.body.substr(1, 3), "PNG");
  // A fresh code is not made while the current one works.
  auto again = journey_->Send("POST", "/issuance/" + journey_->session() + "/new", "");
  EXPECT_EQ(again.status, 303);
  EXPECT_EQ(journey_->IssuanceId(), id);
  // Leaving without a credential returns "verified".
  auto skip = journey_->Send("POST", "/issuance/" + journey_->session() + "/skip", "");
  ASSERT_EQ(skip.status, 303);
  EXPECT_EQ(
      journey_->VerifiedReturn(std::string(skip.Header("location").value_or(""))).Get("status"),
      "verified");
}

TEST_F(IssuanceFlowTest, CallbackAnswersEveryDocumentedBodyAndChecksTheApiKey) {
  keys::KeyStore keys(data_ + "/keys");
  const std::string key = common::Base64UrlEncode(*keys.SecretOrCreate("issuer-callback-api-key"));
  common::CurlHttpClient http;
  const std::string url = app_->BaseUrl() + "/api/issuer/callback";
  const std::string retrieved =
      R"({"requestId":"799f23ea","requestStatus":"request_retrieved","state":"de19cb6b"})";
  EXPECT_EQ(common::PostJson(http, url, retrieved)->status, 401);
  EXPECT_EQ(common::PostJson(http, url, retrieved, {{"api-key", key + "x"}})->status, 401);
  EXPECT_EQ(common::PostJson(http, url, "[1,2]", {{"api-key", key}})->status, 400);
  // Spec §5.3 bodies for states we never issued, and statuses of other flows: 2xx, nothing changes.
  for (const std::string& body :
       {retrieved,
        std::string(
            R"({"requestId":"799f23ea","requestStatus":"issuance_successful","state":"de19cb6b"})"),
        std::string(R"({"requestId":"799f23ea","requestStatus":"issuance_error","state":"de19cb6b",
                        "error":{"code":"IssuanceFlowFailed","message":"issuance_service_error"}})"),
        std::string(
            R"({"requestId":"e4ef27ca","requestStatus":"presentation_verified","state":"92d076dd",
                        "subject":"did:jwk:x","verifiedCredentialsData":[]})"),
        std::string(R"({"requestId":"1","requestStatus":"something_new","state":"s"})")}) {
    auto resp = common::PostJson(http, url, body, {{"api-key", key}});
    EXPECT_EQ(resp->status, 200) << body;
  }
}

}  // namespace
}  // namespace vc::testing
