// Rate limits on intake, token and create endpoints (server/rate_limits.h):
// each group's 429 shape, per-IP and per-org keys, over real HTTP on port 0
// with a ManualClock; and the real App answering 429 from its config.
#include "server/rate_limits.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "request_service/auth.h"
#include "server/app.h"
#include "tests/support/temp_dir.h"

namespace vc::server {
namespace {

using common::HttpResponse;
using common::HttpServerRequest;
using common::HttpServerResponse;

const char* const kRoutes[][2] = {
    {"GET", "/:org/"},
    {"POST", "/:org/"},
    {"GET", "/id-verification"},
    {"POST", "/oauth2/v2.0/token"},
    {"POST", "/v1.0/verifiableCredentials/createIssuanceRequest"},
    {"POST", "/proofing/:session"},  // not in the table: never limited
};

// An unsigned-looking JWT with `claims` as payload (only its claims are read).
std::string Jwt(const std::string& claims) {
  return "eyJhbGciOiJIUzI1NiJ9." + common::Base64UrlEncode(claims) + ".c2ln";
}

class RateLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.intake = {{1, 3}, {1, 2}};
    config_.token = {{1, 100}, {1, 1}};
    config_.create = {{1, 1}, {0, 0}};
    limits_ = std::make_unique<RateLimits>(config_, clock_, [this] { return &tokens_; });
    for (const auto& r : kRoutes) {
      server_.Route(r[0], r[1],
                    [](const HttpServerRequest&) { return HttpServerResponse::Json(200, "{}"); });
    }
    limits_->Apply(server_);
    server_.Start();
  }
  HttpResponse Send(const char* method, const std::string& path, common::HttpHeaders headers = {},
                    std::string body = "") {
    common::HttpRequest req{method, server_.BaseUrl() + path, std::move(headers), std::move(body)};
    auto r = http_.Send(req);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : HttpResponse{};
  }

  common::ManualClock clock_;
  // The clients whose credentials key the token endpoint's per-client bucket.
  request_service::TokenService tokens_{{{"a", "secret-a", {request_service::kRoleCreateAll}},
                                         {"b", "secret-b", {request_service::kRoleCreateAll}}},
                                        "token-signing-key-0123456789abcdef",
                                        "local",
                                        clock_};
  common::RateLimitsConfig config_;
  std::unique_ptr<RateLimits> limits_;
  common::HttpServer server_;
  common::CurlHttpClient http_;
};

TEST_F(RateLimitsTest, IntakeIsLimitedPerIpWithAnHtmlPage) {
  EXPECT_EQ(Send("GET", "/a/").status, 200);
  EXPECT_EQ(Send("POST", "/b/").status, 200);
  EXPECT_EQ(Send("GET", "/c/").status, 200);
  const HttpResponse refused = Send("GET", "/d/?token=x");  // 127.0.0.1 spent its 3
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.Header("retry-after").value_or(""), "1");
  EXPECT_NE(refused.Header("content-type").value_or("").find("text/html"), std::string_view::npos);
  EXPECT_NE(refused.body.find("Too many attempts"), std::string::npos);
  // A client asking for JSON gets the JSON error shape.
  const HttpResponse json = Send("GET", "/e/", {{"Accept", "application/json"}});
  EXPECT_EQ(json.status, 429);
  EXPECT_EQ(common::GetString(*common::ParseJsonObject(json.body), "error").value_or(""),
            "rate_limited");
  // Other routes are not limited at all.
  EXPECT_EQ(Send("POST", "/proofing/abc").status, 200);
  clock_.Advance(1);
  EXPECT_EQ(Send("GET", "/f/").status, 200);
}

TEST_F(RateLimitsTest, IntakeIsLimitedPerOrg) {
  EXPECT_EQ(Send("GET", "/contoso/").status, 200);
  EXPECT_EQ(Send("POST", "/contoso/").status, 200);
  EXPECT_EQ(Send("GET", "/contoso/").status, 429);  // contoso spent its 2; the IP had 3
  clock_.Advance(1);
  EXPECT_EQ(Send("GET", "/fabrikam/").status, 200);
  EXPECT_EQ(Send("GET", "/contoso/").status, 429);  // the IP is spent again
}

TEST_F(RateLimitsTest, Auth0IntakeCountsPerTokenIssuer) {
  const std::string token = Jwt(R"({"iss":"example.auth0.com"})");
  EXPECT_EQ(Send("GET", "/id-verification?token=" + token).status, 200);
  EXPECT_EQ(Send("GET", "/id-verification?token=" + token).status, 200);
  EXPECT_EQ(Send("GET", "/id-verification?token=" + token).status, 429);
}

TEST_F(RateLimitsTest, TokenEndpointIsLimitedPerAuthenticatedClientWithTheOAuthShape) {
  const common::HttpHeaders form{{"Content-Type", "application/x-www-form-urlencoded"}};
  // Wrong secrets naming client a are limited per IP only: a keeps its budget.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Send("POST", "/oauth2/v2.0/token", form, "client_id=a&client_secret=guess").status,
              200);
  }
  EXPECT_EQ(Send("POST", "/oauth2/v2.0/token", form, "client_id=a&client_secret=secret-a").status,
            200);
  const HttpResponse refused =
      Send("POST", "/oauth2/v2.0/token", form, "client_id=a&client_secret=secret-a");
  EXPECT_EQ(refused.status, 429);
  auto body = common::ParseJsonObject(refused.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(common::GetString(*body, "error").value_or(""), "rate_limited");
  EXPECT_TRUE(common::GetString(*body, "error_description").has_value());
  EXPECT_EQ(Send("POST", "/oauth2/v2.0/token", form, "client_id=b&client_secret=secret-b").status,
            200);
}

TEST_F(RateLimitsTest, CreateEndpointsAnswerWithTheEntraEnvelope) {
  const std::string path = "/v1.0/verifiableCredentials/createIssuanceRequest";
  EXPECT_EQ(Send("POST", path).status, 200);
  const HttpResponse refused = Send("POST", path, {{"ms-cv", "abcdefghijklmnopqrstuv.1"}});
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.Header("retry-after").value_or(""), "1");
  auto body = common::ParseJsonObject(refused.body);
  ASSERT_TRUE(body.ok()) << refused.body;
  const rapidjson::Value* error = common::GetObject(*body, "error");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(common::GetString(*error, "code").value_or(""), "tooManyRequests");
  const rapidjson::Value* inner = common::GetObject(*error, "innererror");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(common::GetString(*inner, "code").value_or(""), "rateLimited");
  EXPECT_TRUE(common::GetString(*body, "requestId").has_value());
}

TEST(RateLimitsApp, TheServerAppliesItsConfiguredLimits) {
  testing::TempDir dir;
  const std::string path = dir.File("config.json");
  std::ofstream(path)
      << R"({"environment":"test","listen":"127.0.0.1:0","dataDir":")" << dir.File("data")
      << R"(","rateLimits":{"intake":{"perIp":{"ratePerSecond":0.001,"burst":2}}}})";
  App app({path, "", ""});
  app.Start();
  common::CurlHttpClient http;
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/nobody/")->status, 404);  // unknown org: counted
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/nobody/")->status, 404);
  auto refused = common::Get(http, app.BaseUrl() + "/nobody/");
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->Header("retry-after").value_or(""), "1000");
  EXPECT_EQ(common::Get(http, app.BaseUrl() + "/healthz")->status, 200);
  app.Stop();
}

}  // namespace
}  // namespace vc::server
