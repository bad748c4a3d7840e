// The Casdoor-style API over HTTP: roles, the server-side lock, admin reset.
#include "issuer/identity_routes.h"

#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

class IdentityApiTest : public IntakeFixture {
 protected:
  std::string OpenSession(const std::string& request_id) {
    auto resp = Get("/contoso/?token=" + Mint(request_id));
    return CookieFrom(*resp);
  }
  common::HttpResponse Call(const std::string& method, const std::string& path,
                            const std::string& body = "", const std::string& cookie = "",
                            const std::string& key = "") {
    common::HttpRequest req;
    req.method = method;
    req.url = server_->BaseUrl() + path;
    req.body = body;
    if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
    if (!cookie.empty()) req.headers.emplace_back("Cookie", cookie);
    if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
    return *http_.Send(req);
  }
  static std::string Member(const common::HttpResponse& r, const char* key) {
    auto doc = common::ParseJsonObject(r.body);
    if (!doc) return "<not json>";
    if (auto s = common::GetString(*doc, key)) return std::string(*s);
    return "";
  }
  static std::string Fields(const std::string& name, const std::string& number) {
    return R"({"realName":")" + name + R"(","idCardType":"PRC_ID","idCardNumber":")" + number +
           R"("})";
  }
};

TEST_P(IdentityApiTest, NoCredentialOrWrongKeyIsUnauthenticated) {
  EXPECT_EQ(Call("GET", "/api/users/contoso/x").status, 401);
  auto wrong = Call("GET", "/api/users/contoso/x", "", "", "not-a-key");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Member(wrong, "status"), "error");
  EXPECT_EQ(Member(wrong, "code"), "unauthenticated");
}

TEST_P(IdentityApiTest, UserVerifiesSelfThenTheFieldsAreLocked) {
  const std::string me = OpenSession("u-self");
  auto patched = Call("PATCH", "/api/users/contoso/u-self", Fields("Zhang San", kPrcId), me);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.body.find(kPrcId), std::string::npos) << "the number is masked";
  auto verified = Call("POST", "/api/verify-identification", "", me);
  EXPECT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(Member(verified, "status"), "ok");
  EXPECT_EQ(Member(verified, "data"), "Zhang San");
  auto got = Call("GET", "/api/users/contoso/u-self", "", me);
  EXPECT_NE(got.body.find("\"isVerified\":true"), std::string::npos) << got.body;

  for (const std::string& change :
       {std::string(R"({"realName":"Li Si"})"), std::string(R"({"idCardType":"PASSPORT"})"),
        std::string(R"({"idCardNumber":"110101199003074477"})"),
        std::string(R"({"isVerified":false})")}) {
    auto refused = Call("PATCH", "/api/users/contoso/u-self", change, me);
    EXPECT_EQ(refused.status, 409) << change;
    EXPECT_EQ(Member(refused, "code"), "identity_locked") << change;
  }
  EXPECT_EQ(Call("PATCH", "/api/users/contoso/u-self", Fields("Zhang San", kPrcId), me).status, 200)
      << "the same values are not a change";
  auto again = Call("POST", "/api/verify-identification", "", me);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Member(again, "code"), "already_verified");
}

TEST_P(IdentityApiTest, VerifiedFlagCannotBeSetByPatch) {
  const std::string me = OpenSession("u-flag");
  auto r = Call("PATCH", "/api/users/contoso/u-flag", R"({"isVerified":true})", me);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(r, "code"), "field_read_only");
}

TEST_P(IdentityApiTest, MissingFieldsNeverReachTheProvider) {
  const std::string me = OpenSession("u-missing");
  ASSERT_EQ(Call("PATCH", "/api/users/contoso/u-missing", R"({"realName":"Zhang San"})", me).status,
            200);
  auto r = Call("POST", "/api/verify-identification", "", me);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Member(r, "code"), "identity_incomplete");
  auto latest = proofing_->LatestAttempt("");
  EXPECT_FALSE(latest->has_value());
}

TEST_P(IdentityApiTest, NonAdminNamingSomeoneElseIsForbidden) {
  const std::string other = OpenSession("u-other");
  ASSERT_EQ(Call("PATCH", "/api/users/contoso/u-other", Fields("Zhang San", kPrcId), other).status,
            200);
  const std::string me = OpenSession("u-me");
  EXPECT_EQ(Call("POST", "/api/verify-identification?owner=contoso&name=u-other", "", me).status,
            403);
  EXPECT_EQ(Call("GET", "/api/users/contoso/u-other", "", me).status, 403);
  EXPECT_EQ(Call("PATCH", "/api/users/contoso/u-other", R"({"realName":"X"})", me).status, 403);
  EXPECT_EQ(Call("GET", "/api/users/fabrikam/u-other", "", "", kAppKey).status, 403)
      << "an app key acts only for its org";
  auto by_app =
      Call("POST", "/api/verify-identification?owner=contoso&name=u-other", "", "", kAppKey);
  EXPECT_EQ(by_app.status, 200) << by_app.body;
}

TEST_P(IdentityApiTest, AdminResetNeedsAReasonAndIsAudited) {
  const std::string me = OpenSession("u-reset");
  ASSERT_EQ(Call("PATCH", "/api/users/contoso/u-reset", Fields("Zhang San", kPrcId), me).status,
            200);
  ASSERT_EQ(Call("POST", "/api/verify-identification?owner=contoso&name=u-reset", "", "", kAdminKey)
                .status,
            200);
  EXPECT_EQ(
      Call("POST", "/api/users/contoso/u-reset/reset-identity", R"({"reason":"x"})", "", kAppKey)
          .status,
      403);
  auto no_reason =
      Call("POST", "/api/users/contoso/u-reset/reset-identity", R"({})", "", kAdminKey);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(Member(no_reason, "code"), "reason_required");
  auto reset = Call("POST", "/api/users/contoso/u-reset/reset-identity",
                    R"({"reason":"ticket 42: name typo"})", "", kAdminKey);
  EXPECT_EQ(reset.status, 200) << reset.body;
  EXPECT_EQ(
      Call("PATCH", "/api/users/contoso/u-reset", R"({"realName":"Zhang Sanfeng"})", me).status,
      200);

  auto audit = Call("GET", "/api/audit", "", "", kAdminKey);
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(
      audit.body.find(R"("caller":"apikey:ops","subject":"contoso/u-reset","action":"reset")"),
      std::string::npos)
      << audit.body;
  EXPECT_NE(audit.body.find("ticket 42"), std::string::npos);
  EXPECT_NE(audit.body.find(R"("action":"lock")"), std::string::npos);
  EXPECT_EQ(audit.body.find(kPrcId), std::string::npos);
  EXPECT_EQ(audit.body.find("Zhang San"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/audit", "", "", kAppKey).status, 403);
  EXPECT_EQ(Call("GET", "/api/audit", "", me).status, 403);
}

TEST_P(IdentityApiTest, ProviderTestIsAdminOnlyAndChangesNothing) {
  auto ok = Call("POST", "/api/providers/sandbox/test", "", "", kAdminKey);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Call("POST", "/api/providers/sandbox/test", "", "", kAppKey).status, 403);
  EXPECT_EQ(Call("POST", "/api/providers/nope/test", "", "", kAdminKey).status, 404);
  EXPECT_FALSE(proofing_->LatestAttempt("")->has_value());
}

TEST_P(IdentityApiTest, ErrorCodesMapToOneHttpStatusEach) {
  using issuer::ProofingError;
  auto status_of = [](std::string code) {
    return issuer::HttpStatus(issuer::FromLower({std::move(code), ""}).reason);
  };
  EXPECT_EQ(status_of("unauthenticated"), 401);
  EXPECT_EQ(status_of("forbidden"), 403);
  EXPECT_EQ(status_of("identity_not_found"), 404);
  EXPECT_EQ(status_of("identity_locked"), 409);
  EXPECT_EQ(status_of("already_verified"), 409);
  EXPECT_EQ(status_of("identity_incomplete"), 400);
  EXPECT_EQ(status_of("provider_unavailable"), 503);
  EXPECT_EQ(status_of("db_error"), 500);
  EXPECT_EQ(issuer::Code(issuer::FromLower({"db_busy", "x"})), "db_busy");
}

VC_INSTANTIATE_BACKENDS(IdentityApiTest);

}  // namespace
}  // namespace vc::testing
