#include "common/base/base64url.h"
#include "common/http/html.h"
#include "common/http/url.h"
#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

class Auth0Test : public IntakeFixture {
 protected:
  std::string Token(const std::string& payload, const std::string& secret = kAuth0Secret) {
    return *common::SignCompact(common::Jwk::FromSecret(secret), common::JwsAlg::kHS256, payload,
                                {"JWT", "", ""});
  }
  std::string Payload(int64_t exp_in = 600, const std::string& sub = "auth0|123") {
    const int64_t now = clock_.NowSeconds();
    return "{\"sub\":\"" + sub + "\",\"iss\":\"" + kAuth0Domain +
           "\",\"iat\":" + std::to_string(now) + ",\"exp\":" + std::to_string(now + exp_in) +
           ",\"ip\":\"203.0.113.9\"}";
  }
};

TEST_P(Auth0Test, ValidTokenOpensSessionOnBothSpellings) {
  for (const char* path : {"/id-verification", "/id-verfication"}) {
    auto resp =
        Get(std::string(path) + "?token=" + Token(Payload(600, std::string("auth0|") + path)) +
            "&state=opaque-state");
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(resp->status, 303) << path << " " << resp->body;
    EXPECT_EQ(std::string(resp->Header("location").value_or("")).rfind("/proofing/", 0), 0u);
  }
}

TEST_P(Auth0Test, Refusals) {
  const int64_t now = clock_.NowSeconds();
  const std::string hs512 = common::Base64UrlEncode(R"({"alg":"HS512","typ":"JWT"})") + "." +
                            common::Base64UrlEncode(Payload()) + "." +
                            common::Base64UrlEncode(std::string(64, 'x'));
  const std::string none =
      common::Base64UrlEncode(R"({"alg":"none"})") + "." + common::Base64UrlEncode(Payload()) + ".";
  const std::string other_iss =
      "{\"sub\":\"u\",\"iss\":\"evil.auth0.com\",\"exp\":" + std::to_string(now + 600) + "}";
  const std::vector<std::pair<std::string, const char*>> rows = {
      {"token=" + Token(Payload(), "wrong-secret-wrong-secret-wrong!!") + "&state=s",
       "invalid_signature"},
      {"token=" + none + "&state=s", "unsupported_alg"},
      {"token=" + hs512 + "&state=s", "unsupported_alg"},
      {"token=" + Token(Payload(-120)) + "&state=s", "token_expired"},
      {"token=" + Token(Payload()), "missing_state"},
      {"token=" + Token(other_iss) + "&state=s", "unknown_tenant"},
      {"token=" +
           Token("{\"iss\":\"example.auth0.com\",\"exp\":" + std::to_string(now + 60) + "}") +
           "&state=s",
       "malformed_token"},  // no sub
      {"token=garbage&state=s", "malformed_token"},
  };
  for (const auto& [query, code] : rows) {
    auto resp = Get("/id-verification?" + query);
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(ErrorCode(*resp), code) << query.substr(0, 80);
    EXPECT_FALSE(resp->Header("location").has_value());
  }
}

TEST_P(Auth0Test, ReplayIsRefused) {
  const std::string q = "/id-verification?token=" + Token(Payload()) + "&state=abc";
  EXPECT_EQ(Get(q)->status, 303);
  auto again = Get(q);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(ErrorCode(*again), "token_replayed");
}

TEST_P(Auth0Test, ReturnTokenCarriesTheContinueClaims) {
  const std::string state = "st/ate+with&odd=chars";
  auto resp =
      Get("/id-verification?token=" + Token(Payload()) + "&state=" + common::PercentEncode(state));
  ASSERT_EQ(resp->status, 303);
  const std::string location(resp->Header("location").value());
  auto cancel = Post(location + "/cancel", "", CookieFrom(*resp), false);
  ASSERT_EQ(cancel->status, 200);
  // An auto-submitting POST form to https://{iss}/continue?state=…
  const std::string action =
      "https://example.auth0.com/continue?state=" + common::PercentEncode(state);
  EXPECT_NE(cancel->body.find("action=\"" + common::HtmlEscape(action) + "\""), std::string::npos)
      << cancel->body;
  const auto start = cancel->body.find("name=\"token\" value=\"") + 20;
  const std::string token = cancel->body.substr(start, cancel->body.find('"', start) - start);
  auto verified =
      common::VerifyCompact(token, common::Jwk::FromSecret(kAuth0Secret), {common::JwsAlg::kHS256});
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  auto claims = common::ParseJsonObject(verified->payload);
  EXPECT_EQ(common::GetString(*claims, "sub").value(), "auth0|123");
  EXPECT_EQ(common::GetString(*claims, "iss").value(), kAuth0Domain);
  EXPECT_EQ(common::GetString(*claims, "state").value(), state);
  EXPECT_EQ(common::GetString(*claims, "status").value(), "cancelled");
  const int64_t iat = common::GetNumericDate(*claims, "iat").value();
  const int64_t exp = common::GetNumericDate(*claims, "exp").value();
  EXPECT_GE(exp - iat, 60);
  EXPECT_LE(exp - iat, 300);
}

TEST_P(Auth0Test, SuccessMapsToSuccess) {
  auto resp = Get("/id-verification?token=" + Token(Payload()) + "&state=ok");
  const std::string id = std::string(resp->Header("location").value()).substr(10);
  auto back = intake_->Finish(id, issuer::SessionStatus::kVerified);
  ASSERT_TRUE(back.ok());
  auto v = common::VerifyCompact(back->form_token, common::Jwk::FromSecret(kAuth0Secret),
                                 {common::JwsAlg::kHS256});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(common::GetString(*common::ParseJsonObject(v->payload), "status").value(), "success");
}

VC_INSTANTIATE_BACKENDS(Auth0Test);

}  // namespace
}  // namespace vc::testing
