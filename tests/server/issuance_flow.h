// A user's journey through a running vcserver, over real HTTP, for end-to-end
// tests: the RP's jumpstart link (minted by `vcctl jumpstart mint`), sandbox
// proofing, the issuance page, the wallet (`vcwallet accept`), and back to the RP.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "common/base/json.h"
#include "common/http/http_client.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "tests/support/run.h"

namespace vc::testing {

class Journey {
 public:
  explicit Journey(std::string base_url) : base_(std::move(base_url)) {}

  // The demo org's generated RP key in a data dir.
  static std::string DemoRpKey(const std::string& data_dir, const std::string& org = "contoso") {
    for (const auto& e : std::filesystem::directory_iterator(data_dir + "/keys/rp-" + org)) {
      if (e.path().extension() == ".pem") return e.path().string();
    }
    return "";
  }

  // `vcctl jumpstart mint` → the link → 303 to the proofing page with the session cookie.
  void Start(const std::string& key_file, const std::string& redirect_url,
             const std::string& org = "contoso") {
    auto minted = RunBinary("vcctl", {"jumpstart", "mint", "--org", org, "--key", key_file,
                                      "--redirect-url", redirect_url, "--base-url", base_});
    ASSERT_EQ(minted.exit_code, 0) << minted.output;
    std::string link = minted.output.substr(0, minted.output.find('\n'));
    StartAt(link.substr(base_.size()));
  }

  // Opens a session at an intake path (a jumpstart link, an Auth0 redirect).
  void StartAt(const std::string& path) {
    auto resp = Send("GET", path, "");
    ASSERT_EQ(resp.status, 303) << resp.body;
    const std::string location(resp.Header("location").value_or(""));
    ASSERT_EQ(location.rfind("/proofing/", 0), 0u) << location;
    session_ = location.substr(10);
    auto sc = resp.Header("set-cookie");
    ASSERT_TRUE(sc.has_value());
    cookie_ = std::string(sc->substr(0, sc->find(';')));
  }

  // Submits the sandbox form with a valid PRC number and continues: 303 to where the hand-off sends
  // us.
  std::string ProofAndContinue(const std::string& real_name = "Mei Chen") {
    auto submitted = Send("POST", "/proofing/" + session_,
                          "realName=" + common::PercentEncode(real_name) +
                              "&idCardType=PRC_ID&idCardNumber=11010519491231002X");
    EXPECT_EQ(submitted.status, 303) << submitted.body;
    auto cont = Send("POST", "/proofing/" + session_ + "/continue", "");
    EXPECT_EQ(cont.status, 303) << cont.body;
    return std::string(cont.Header("location").value_or(""));
  }

  // The deep link the issuance page shows ("Open in wallet").
  std::string DeepLink() {
    auto page = Send("GET", "/issuance/" + session_, "");
    EXPECT_EQ(page.status, 200) << page.body;
    std::smatch m;
    const std::regex href("id=\"open-wallet\" href=\"([^\"]+)\"");
    if (!std::regex_search(page.body, m, href)) {
      ADD_FAILURE() << "no deep link on the page: " << page.body.substr(0, 2000);
      return "";
    }
    return m[1];
  }

  // The id the page polls, from its data-id attribute.
  std::string IssuanceId() {
    auto page = Send("GET", "/issuance/" + session_, "");
    std::smatch m;
    if (!std::regex_search(page.body, m, std::regex("data-id=\"([^\"]+)\""))) return "";
    return m[1];
  }

  // Polls request-status (as the page does) until `status` or 20 s pass; the last status seen.
  std::string WaitForStatus(const std::string& id, const std::string& status) {
    std::string last;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto resp = Send("GET", "/api/issuer/request-status?id=" + common::PercentEncode(id), "");
      auto doc = common::ParseJsonObject(resp.body);
      last = doc ? std::string(common::GetString(*doc, "status").value_or("")) : resp.body;
      if (last == status) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return last;
  }

  common::HttpResponse Send(const std::string& method, const std::string& path,
                            const std::string& form) {
    common::HttpRequest req;
    req.method = method;
    req.url = base_ + path;
    req.body = form;
    if (method == "POST")
      req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!cookie_.empty()) req.headers.emplace_back("Cookie", cookie_);
    auto resp = http_.Send(req);
    if (!resp) {
      ADD_FAILURE() << method << " " << path << ": " << resp.error().message;
      return {};
    }
    return *resp;
  }

  // The RP's view of a return URL: its query, with `result` verified against our JWKS.
  common::QueryParams VerifiedReturn(const std::string& location) {
    auto query = common::ParseQueryString(location.substr(location.find('?') + 1));
    EXPECT_TRUE(query.ok());
    auto jwks_resp = common::Get(http_, base_ + "/.well-known/jwks.json");
    auto jwks = common::Jwks::FromJsonText(jwks_resp->body);
    EXPECT_TRUE(jwks.ok());
    auto token = common::ParseCompact(std::string(query->Get("result").value_or("")));
    EXPECT_TRUE(token.ok());
    if (!token.ok() || !jwks.ok()) return *query;
    const common::Jwk* key = jwks->FindByKid(token->kid);
    EXPECT_NE(key, nullptr);
    if (key) {
      EXPECT_TRUE(common::VerifySignature(*token, *key, {common::JwsAlg::kES256}).ok());
    }
    return *query;
  }

  const std::string& session() const { return session_; }
  const std::string& cookie() const { return cookie_; }
  void set_cookie(std::string c) { cookie_ = std::move(c); }

 private:
  std::string base_;
  std::string session_;
  std::string cookie_;
  common::CurlHttpClient http_;
};

}  // namespace vc::testing
