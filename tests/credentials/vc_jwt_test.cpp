#include "credentials/vc_jwt.h"

#include <gtest/gtest.h>

#include "common/base/json.h"
#include "keys/did.h"

namespace vc::credentials {
namespace {

class NoNetwork final : public common::HttpClient {
 public:
  common::Result<common::HttpResponse> Send(const common::HttpRequest&) override {
    return common::Error{"connect_failed", "no network"};
  }
};

constexpr const char* kDid = "did:web:issuer.example";

class VcJwtAlgTest : public ::testing::TestWithParam<common::JwsAlg> {};

// ES256 is the default; RS256, ES256K and EdDSA are selectable (DESIGN §5).
TEST_P(VcJwtAlgTest, IssuesAndVerifiesUnderDidWeb) {
  NoNetwork net;
  common::ManualClock clock(1'700'000'000);
  DidResolver resolver(net, clock);
  auto key = common::Jwk::Generate(GetParam());
  key = key.WithKid(key.Thumbprint());
  const std::vector<keys::StoredKey> stored{{key, GetParam(), "issuer", true}};
  const std::string doc = keys::DidWebDocument(kDid, stored, {});
  resolver.AddLocal(kDid, [doc] { return doc; });
  Signer signer{key, GetParam(), std::string(kDid) + "#" + key.kid()};
  VcToIssue vc{kDid,
               "did:jwk:holder",
               {"VerifiedIdentity"},
               {{"realName", "Megan"}},
               1'700'000'000,
               1'700'000'000 + 2592000,
               "urn:pic:1",
               StatusEntry{"https://issuer.example/status/1", 31}};
  auto jwt = IssueVcJwt(vc, signer);
  ASSERT_TRUE(jwt) << jwt.error().message;
  auto token = common::ParseCompact(*jwt, 65536);
  EXPECT_EQ(token->alg_name, common::AlgName(GetParam()));
  EXPECT_EQ(token->typ, "JWT");
  EXPECT_EQ(token->kid, signer.kid);
  auto v = VerifyVcJwt(*jwt, resolver, 1'700'000'100);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->issuer, kDid);
  EXPECT_EQ(v->subject, "did:jwk:holder");
  EXPECT_EQ(v->types, (std::vector<std::string>{"VerifiableCredential", "VerifiedIdentity"}));
  EXPECT_EQ(*v->exp - v->iat, 2592000);
  ASSERT_TRUE(v->status);
  EXPECT_EQ(v->status->index, 31);
  auto payload = common::ParseJsonObject(token->payload);
  EXPECT_EQ(common::GetString((*payload)["vc"]["credentialStatus"], "statusListIndex"), "31");
  // A VC with a BitstringStatusListEntry declares the context that defines it.
  const auto& context = (*payload)["vc"]["@context"];
  ASSERT_TRUE(context.IsArray() && context.Size() == 2);
  EXPECT_EQ(std::string(context[0].GetString()), "https://www.w3.org/2018/credentials/v1");
  EXPECT_EQ(std::string(context[1].GetString()), "https://www.w3.org/ns/credentials/status/v1");
}

// VCDM 1.1 makes exp optional: a VC without it verifies (and reports no
// expiry); one whose exp has passed, or is not a NumericDate, does not.
TEST(VcJwtTest, ExpIsOptionalButNeverPassed) {
  NoNetwork net;
  common::ManualClock clock(1'700'000'000);
  DidResolver resolver(net, clock);
  auto key = common::Jwk::Generate(common::JwsAlg::kES256);
  key = key.WithKid(key.Thumbprint());
  const std::string doc =
      keys::DidWebDocument(kDid, {{key, common::JwsAlg::kES256, "issuer", true}}, {});
  resolver.AddLocal(kDid, [doc] { return doc; });
  const std::string kid = std::string(kDid) + "#" + key.kid();
  auto sign = [&](const std::string& times) {
    const std::string payload =
        R"({"vc":{"@context":["https://www.w3.org/2018/credentials/v1"],)"
        R"("type":["VerifiableCredential","VerifiedEmployee"],"credentialSubject":{"a":"b"}},)"
        R"("iss":")" +
        std::string(kDid) + R"(","sub":"did:jwk:holder","jti":"urn:pic:2")" + times + "}";
    return common::SignCompact(key, common::JwsAlg::kES256, payload, {"JWT", kid, ""}).value();
  };
  auto no_exp = VerifyVcJwt(sign(R"(,"iat":1699999000,"nbf":1699999000)"), resolver, 1'700'000'000);
  ASSERT_TRUE(no_exp) << no_exp.error().message;
  EXPECT_FALSE(no_exp->exp.has_value());
  EXPECT_EQ(no_exp->iat, 1699999000);
  EXPECT_TRUE(VerifyVcJwt(sign(""), resolver, 1'700'000'000));  // no times at all
  auto passed = VerifyVcJwt(sign(R"(,"exp":1699990000)"), resolver, 1'700'000'000);
  ASSERT_FALSE(passed);
  EXPECT_EQ(passed.error().code, "expired");
  auto text = VerifyVcJwt(sign(R"(,"exp":"tomorrow")"), resolver, 1'700'000'000);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, "malformed_token");
}

INSTANTIATE_TEST_SUITE_P(Algs, VcJwtAlgTest,
                         ::testing::Values(common::JwsAlg::kES256, common::JwsAlg::kES256K,
                                           common::JwsAlg::kEdDSA, common::JwsAlg::kRS256));

}  // namespace
}  // namespace vc::credentials
