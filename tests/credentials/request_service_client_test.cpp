// RequestServiceClient over real HTTP: against the embedded Request Service (token,
// both create APIs, a validation error, token caching and expiry), and against a
// local stand-in for Entra for what the embedded service never answers (429 and
// transientError retries, a 401 on a stale token, OAuth errors, client assertions).
#include "credentials/request_service_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/base/json.h"
#include "common/http/http_server.h"
#include "common/http/url.h"
#include "common/jose/jws.h"
#include "request_service/fixture.h"

namespace vc::credentials {
namespace {

using common::HttpServerRequest;
using common::HttpServerResponse;

// ---- against the embedded Request Service --------------------------------------

class EmbeddedClientTest : public testing::RequestServiceFixture {
 protected:
  RequestServiceClient MakeClient(const std::string& id = "app",
                                  const std::string& secret = "app-secret") {
    common::RequestServiceConfig config;
    config.base_url = base_ + "/v1.0";
    config.token_url = base_ + "/oauth2/v2.0/token";
    config.client_id = id;
    config.client_secret = secret;
    config.scope = std::string(request_service::kResourceAppId) + "/.default";
    return RequestServiceClient(RequestServiceClientOptions::FromConfig(config), http_, clock_);
  }
};

TEST_P(EmbeddedClientTest, CreatesAnIssuanceRequest) {
  auto client = MakeClient();
  auto created = client.CreateIssuanceRequest(IssuanceBody(R"(,"includeQRCode":true)"));
  ASSERT_TRUE(created.ok()) << created.error().code << ": " << created.error().message;
  EXPECT_FALSE(created->request_id.empty());
  EXPECT_EQ(created->url.rfind("openid-vc://?request_uri=", 0), 0u) << created->url;
  EXPECT_GT(created->expiry, clock_.NowSeconds());
  ASSERT_TRUE(created->qr_code.has_value());
  EXPECT_EQ(created->qr_code->rfind("data:image/png;base64,", 0), 0u);
}

TEST_P(EmbeddedClientTest, CreatesAPresentationRequestWithoutQrCode) {
  auto client = MakeClient();
  auto created = client.CreatePresentationRequest(PresentationBody());
  ASSERT_TRUE(created.ok()) << created.error().code << ": " << created.error().message;
  EXPECT_FALSE(created->request_id.empty());
  EXPECT_FALSE(created->qr_code.has_value());
}

TEST_P(EmbeddedClientTest, ValidationErrorNamesInnerCodeMessageAndTarget) {
  auto client = MakeClient();
  auto created = client.CreateIssuanceRequest(IssuanceBody(R"(,"includeQRCode":"yes")"));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "request_service_badOrMissingField");
  EXPECT_NE(created.error().message.find("HTTP 400 badRequest"), std::string::npos)
      << created.error().message;
  EXPECT_NE(created.error().message.find("badOrMissingField"), std::string::npos);
  EXPECT_NE(created.error().message.find("[target: includeQRCode]"), std::string::npos);
}

TEST_P(EmbeddedClientTest, TokenIsCachedAcrossCallsAndRefreshedNearExpiry) {
  auto client = MakeClient();
  ASSERT_TRUE(client.CreateIssuanceRequest(IssuanceBody()).ok());
  ASSERT_TRUE(client.CreatePresentationRequest(PresentationBody()).ok());
  EXPECT_EQ(client.token_requests(), 1);
  clock_.Advance(3600 - 301);  // the embedded service's tokens last 3600 s
  ASSERT_TRUE(client.CreateIssuanceRequest(IssuanceBody()).ok());
  EXPECT_EQ(client.token_requests(), 1);
  clock_.Advance(2);  // now inside the 5-minute margin
  ASSERT_TRUE(client.CreateIssuanceRequest(IssuanceBody()).ok());
  EXPECT_EQ(client.token_requests(), 2);
}

TEST_P(EmbeddedClientTest, ExpiredTokenIsReplaced) {
  auto client = MakeClient();
  ASSERT_TRUE(client.CreateIssuanceRequest(IssuanceBody()).ok());
  clock_.Advance(7200);
  ASSERT_TRUE(client.CreateIssuanceRequest(IssuanceBody()).ok());
  EXPECT_EQ(client.token_requests(), 2);
}

TEST_P(EmbeddedClientTest, WrongSecretIsATokenError) {
  auto client = MakeClient("app", "wrong");
  auto created = client.CreateIssuanceRequest(IssuanceBody());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "token_invalid_client");
  EXPECT_NE(created.error().message.find("invalid_client"), std::string::npos);
}

TEST_P(EmbeddedClientTest, ClientWithoutRolesGetsTheForbiddenEnvelope) {
  auto client = MakeClient("no-roles", "s3");
  auto created = client.CreateIssuanceRequest(IssuanceBody());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code.rfind("request_service_", 0), 0u) << created.error().code;
  EXPECT_NE(created.error().message.find("HTTP 40"), std::string::npos) << created.error().message;
}

// ---- against a local stand-in for Entra ----------------------------------------

struct Scripted {
  int status;
  std::string body;
  std::string retry_after;  // "" = no header
};

// Token endpoint at /token, createIssuanceRequest under /v1.0. Answers the API from
// a script (then 201); tokens are "t1", "t2", ... unless a token answer is scripted.
class FakeEntra {
 public:
  FakeEntra() {
    server_.Route("POST", "/token", [this](const HttpServerRequest& req) { return Token(req); });
    server_.Route("POST", "/v1.0/verifiableCredentials/createIssuanceRequest",
                  [this](const HttpServerRequest& req) { return Api(req); });
    server_.Start();
  }
  std::string base() const { return server_.BaseUrl(); }
  void ScriptApi(Scripted s) {
    std::lock_guard l(mu_);
    api_.push_back(std::move(s));
  }
  void ScriptToken(Scripted s) {
    std::lock_guard l(mu_);
    token_.push_back(std::move(s));
  }
  // From now on the token endpoint accepts only client assertions signed by `key`
  // with iss = sub = client_id and aud = the token URL, as Entra does.
  void RequireAssertion(common::Jwk key) {
    std::lock_guard l(mu_);
    assertion_key_ = std::move(key);
  }
  std::vector<std::string> bearers() {
    std::lock_guard l(mu_);
    return bearers_;
  }
  std::vector<common::QueryParams> forms() {
    std::lock_guard l(mu_);
    return forms_;
  }

 private:
  static HttpServerResponse Answer(const Scripted& s) {
    auto r = HttpServerResponse::Json(s.status, s.body);
    if (!s.retry_after.empty()) r.SetHeader("Retry-After", s.retry_after);
    return r;
  }
  HttpServerResponse Token(const HttpServerRequest& req) {
    std::lock_guard l(mu_);
    forms_.push_back(common::ParseForm(req.body).value());
    if (assertion_key_ && !AssertionValid(forms_.back())) {
      return HttpServerResponse::Json(
          401,
          R"({"error":"invalid_client","error_description":"AADSTS700027: Client assertion failed signature validation."})");
    }
    if (!token_.empty()) {
      Scripted s = token_.front();
      token_.pop_front();
      return Answer(s);
    }
    return HttpServerResponse::Json(
        200, R"({"token_type":"Bearer","expires_in":3599,"access_token":"t)" +
                 std::to_string(forms_.size()) + R"("})");
  }
  HttpServerResponse Api(const HttpServerRequest& req) {
    std::lock_guard l(mu_);
    bearers_.emplace_back(req.Header("authorization").value_or(""));
    if (!api_.empty()) {
      Scripted s = api_.front();
      api_.pop_front();
      return Answer(s);
    }
    return HttpServerResponse::Json(
        201, R"({"requestId":"r1","url":"openid-vc://?request_uri=x","expiry":5})");
  }

  bool AssertionValid(const common::QueryParams& form) const {
    if (form.Get("client_assertion_type") !=
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return false;
    auto jwt = common::VerifyCompact(form.Get("client_assertion").value_or(""), *assertion_key_,
                                     {common::JwsAlg::kRS256, common::JwsAlg::kPS256});
    if (!jwt || jwt->kid != assertion_key_->Thumbprint()) return false;
    auto claims = common::ParseJsonObject(jwt->payload);
    return claims && common::GetString(*claims, "iss") == form.Get("client_id") &&
           common::GetString(*claims, "sub") == form.Get("client_id") &&
           common::GetString(*claims, "aud") == server_.BaseUrl() + "/token" &&
           !common::GetString(*claims, "jti").value_or("").empty() &&
           common::GetInt64(*claims, "exp");
  }

  std::mutex mu_;
  std::optional<common::Jwk> assertion_key_;
  std::deque<Scripted> api_, token_;
  std::vector<std::string> bearers_;
  std::vector<common::QueryParams> forms_;
  common::HttpServer server_;  // last: stopped first
};

std::string Envelope(const std::string& code, const std::string& inner) {
  return R"({"requestId":"x","error":{"code":")" + code +
         R"(","message":"m","innererror":{"code":")" + inner + R"(","message":"try later"}}})";
}

class FakeEntraClientTest : public ::testing::Test {
 protected:
  RequestServiceClientOptions Options() {
    RequestServiceClientOptions o;
    o.base_url = fake_.base() + "/v1.0";
    o.token_url = fake_.base() + "/token";
    o.client_id = "client-1";
    o.client_secret = "secret-1";
    o.max_retries = 2;
    return o;
  }
  RequestServiceClient Client(RequestServiceClientOptions o) {
    return RequestServiceClient(std::move(o), http_, clock_, [this](int64_t ms) {
      waits_.push_back(ms);
      clock_.Advance(ms / 1000);
    });
  }
  common::Result<CreatedRequest> Create(RequestServiceClientOptions o) {
    return Client(std::move(o)).CreateIssuanceRequest("{}");
  }

  common::ManualClock clock_;
  common::CurlHttpClient http_;
  std::vector<int64_t> waits_;
  FakeEntra fake_;
};

TEST_F(FakeEntraClientTest, TooManyRequestsIsRetriedAfterRetryAfter) {
  fake_.ScriptApi({429, Envelope("tooManyRequests", "transientError"), "7"});
  auto created = Create(Options());
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->request_id, "r1");
  EXPECT_EQ(waits_, (std::vector<int64_t>{7000}));
  EXPECT_EQ(fake_.bearers().size(), 2u);
}

TEST_F(FakeEntraClientTest, TransientErrorIsRetriedWithDefaultWait) {
  fake_.ScriptApi({500, Envelope("internalServerError", "transientError"), ""});
  ASSERT_TRUE(Create(Options()).ok());
  EXPECT_EQ(waits_, (std::vector<int64_t>{1000}));
}

TEST_F(FakeEntraClientTest, LongRetryAfterIsCapped) {
  fake_.ScriptApi({503, "{}", "3600"});
  ASSERT_TRUE(Create(Options()).ok());
  EXPECT_EQ(waits_, (std::vector<int64_t>{30'000}));
}

TEST_F(FakeEntraClientTest, RetriesExhaustedReportTheLastError) {
  for (int i = 0; i < 3; ++i)
    fake_.ScriptApi({429, Envelope("tooManyRequests", "transientError"), "2"});
  auto created = Create(Options());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "request_service_transientError");
  EXPECT_NE(created.error().message.find("HTTP 429 tooManyRequests"), std::string::npos)
      << created.error().message;
  EXPECT_EQ(waits_.size(), 2u);
  EXPECT_EQ(fake_.bearers().size(), 3u);
}

TEST_F(FakeEntraClientTest, OtherErrorsAreNotRetried) {
  fake_.ScriptApi({400, Envelope("badRequest", "badOrMissingField"), ""});
  auto created = Create(Options());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "request_service_badOrMissingField");
  EXPECT_TRUE(waits_.empty());
}

TEST_F(FakeEntraClientTest, UnauthorizedForcesOneTokenRefresh) {
  fake_.ScriptApi({401, Envelope("unauthorized", "tokenError"), ""});
  auto client = Client(Options());
  auto created = client.CreateIssuanceRequest("{}");
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(fake_.bearers(), (std::vector<std::string>{"Bearer t1", "Bearer t2"}));
  EXPECT_EQ(client.token_requests(), 2);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(FakeEntraClientTest, SecondUnauthorizedIsReturned) {
  fake_.ScriptApi({401, Envelope("unauthorized", "tokenError"), ""});
  fake_.ScriptApi({401, Envelope("unauthorized", "tokenError"), ""});
  auto created = Create(Options());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "request_service_tokenError");
  EXPECT_EQ(fake_.bearers().size(), 2u);
}

TEST_F(FakeEntraClientTest, ConcurrentCallersShareOneTokenFetch) {
  auto client = Client(Options());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&client] {
      auto token = client.AccessToken();
      EXPECT_TRUE(token.ok() && *token == "t1");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(client.token_requests(), 1);
}

TEST_F(FakeEntraClientTest, OAuthErrorFromTokenEndpoint) {
  fake_.ScriptToken(
      {400, R"({"error":"invalid_scope","error_description":"AADSTS70011: bad scope"})", ""});
  auto created = Create(Options());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "token_invalid_scope");
  EXPECT_NE(created.error().message.find("AADSTS70011: bad scope"), std::string::npos);
  EXPECT_TRUE(fake_.bearers().empty());
}

TEST_F(FakeEntraClientTest, NonOAuthTokenAnswer) {
  fake_.ScriptToken({200, R"({"token_type":"Bearer"})", ""});
  auto created = Create(Options());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "token_request_failed");
}

TEST_F(FakeEntraClientTest, MalformedCreatedAnswer) {
  fake_.ScriptApi({201, R"({"requestId":"r1"})", ""});
  auto created = Create(Options());
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "request_service_invalid_response");
}

TEST_F(FakeEntraClientTest, NetworkErrorKeepsTheHttpClientCode) {
  auto o = Options();
  o.token_url = "http://127.0.0.1:1/token";
  auto created = Create(o);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "connect_failed");
}

TEST_F(FakeEntraClientTest, ClientAssertionIsASignedJwtForTheTokenEndpoint) {
  for (auto alg : {common::JwsAlg::kRS256, common::JwsAlg::kPS256}) {
    auto key = common::Jwk::Generate(alg);
    fake_.RequireAssertion(key.PublicOnly());
    auto o = Options();
    o.client_secret.clear();
    o.assertion_key = key;
    o.assertion_alg = alg;
    ASSERT_TRUE(Create(o).ok());
    const common::QueryParams form = fake_.forms().back();
    EXPECT_FALSE(form.Has("client_secret"));
    EXPECT_EQ(form.Get("client_assertion_type"),
              "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    auto jwt =
        common::VerifyCompact(form.Get("client_assertion").value_or(""), key.PublicOnly(), {alg});
    ASSERT_TRUE(jwt.ok()) << jwt.error().message;
    EXPECT_EQ(jwt->kid, key.Thumbprint());
    auto claims = common::ParseJsonObject(jwt->payload);
    ASSERT_TRUE(claims.ok());
    EXPECT_EQ(common::GetString(*claims, "iss"), "client-1");
    EXPECT_EQ(common::GetString(*claims, "sub"), "client-1");
    EXPECT_EQ(common::GetString(*claims, "aud"), o.token_url);
    EXPECT_FALSE(common::GetString(*claims, "jti").value_or("").empty());
    EXPECT_EQ(common::GetInt64(*claims, "exp"), clock_.NowSeconds() + 300);
  }
}

TEST_F(FakeEntraClientTest, ClientAssertionSignedByAnotherKeyIsRefused) {
  fake_.RequireAssertion(common::Jwk::Generate(common::JwsAlg::kRS256).PublicOnly());
  auto o = Options();
  o.assertion_key = common::Jwk::Generate(common::JwsAlg::kRS256);
  auto created = Create(o);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, "token_invalid_client");
  EXPECT_NE(created.error().message.find("AADSTS700027"), std::string::npos)
      << created.error().message;
}

VC_INSTANTIATE_SQLITE(EmbeddedClientTest);

}  // namespace
}  // namespace vc::credentials
