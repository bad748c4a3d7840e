// Issue 21 item 9: an Auth0 redirect token opens one session, whatever the
// `state` sent beside it (Auth0 appends `state` to the URL, outside the
// signature, so an attacker who saw one link can change it freely), and a
// token may live at most maxTokenLifetimeSeconds (600 by default) from iat to exp.
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jwk.h"
#include "common/jose/jws.h"
#include "tests/hostile/hostile_server.h"

namespace vc::testing {
namespace {

class HostileAuth0 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new HostileServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static common::HttpResponse Open(const std::string& token, const std::string& state) {
    common::HttpRequest req;
    req.url = "/id-verification?token=" + common::PercentEncode(token) +
              "&state=" + common::PercentEncode(state);
    req.headers = {{"Accept", "application/json"}};
    return server_->Send(req);
  }

  // An HS256 token of the configured tenant with the given iat and exp (0 = left out).
  static std::string Token(const std::string& sub, int64_t iat, int64_t exp) {
    common::JsonWriter w;
    w->StartObject();
    w.Member("iss", kAuth0Domain);
    w.Member("sub", sub);
    if (iat != 0) w.Member("iat", iat);
    if (exp != 0) w.Member("exp", exp);
    w->EndObject();
    auto token =
        common::SignCompact(common::Jwk::FromSecret(kAuth0Secret), common::JwsAlg::kHS256, w.str());
    return token.ok() ? *token : "";
  }

  static std::string ErrorCode(const common::HttpResponse& r) {
    auto doc = common::ParseJsonObject(r.body);
    return doc ? std::string(common::GetString(*doc, "error").value_or("")) : r.body;
  }

  static HostileServer* server_;
};
HostileServer* HostileAuth0::server_ = nullptr;

TEST_F(HostileAuth0, ATokenOpensOneSessionWhateverTheState) {
  const std::string token = server_->Auth0Token("auth0|replayed-user");
  EXPECT_EQ(Open(token, "state-from-auth0").status, 303);
  for (const std::string& state :
       std::vector<std::string>{"state-from-auth0", "another-state", "x", std::string(300, 's')}) {
    const auto again = Open(token, state);
    EXPECT_EQ(again.status, 409) << "state " << state.substr(0, 20) << ": " << again.body;
    EXPECT_EQ(ErrorCode(again), "token_replayed");
  }
}

TEST_F(HostileAuth0, ALongLivedTokenIsRefused) {
  const int64_t now = std::time(nullptr);
  const auto day = Open(Token("auth0|long-lived", now, now + 86400), "s1");
  EXPECT_EQ(day.status, 401) << day.body;
  EXPECT_EQ(ErrorCode(day), "lifetime_too_long");
  const auto eleven_minutes = Open(Token("auth0|eleven", now, now + 660), "s2");
  EXPECT_EQ(ErrorCode(eleven_minutes), "lifetime_too_long");
  // Without iat the lifetime cannot be bounded: refused as malformed.
  const auto no_iat = Open(Token("auth0|no-iat", 0, now + 300), "s3");
  EXPECT_EQ(no_iat.status, 400) << no_iat.body;
  EXPECT_EQ(ErrorCode(no_iat), "malformed_token");
  // Ten minutes is the default maximum, and accepted.
  EXPECT_EQ(Open(Token("auth0|ten", now, now + 600), "s4").status, 303);
}

}  // namespace
}  // namespace vc::testing
