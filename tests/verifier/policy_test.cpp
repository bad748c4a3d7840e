// Presentation policies from config: the Request Service's rules, the SD-JWT
// VC form, errors naming the JSON path, and the built-in demo policy.
#include "verifier/policy.h"

#include <gtest/gtest.h>

#include "common/config/config.h"

namespace vc::verifier {
namespace {

std::string LoadError(const std::string& policy_json) {
  common::VerifierConfig c;
  c.policies = {
      {"ok", common::ConfigNode::FromJson(R"({"id":"ok","requestedCredentials":[{"type":"T"}]})",
                                          "verifier.policies[0]")},
      {"p", common::ConfigNode::FromJson(policy_json, "verifier.policies[1]")}};
  try {
    LoadPolicies(c);
  } catch (const common::ConfigError& e) {
    return e.path();
  }
  return "";
}

TEST(VerifierPolicy, ErrorsNameTheJsonPath) {
  const std::string rc = R"({"id":"p","requestedCredentials":[{"type":"T",)";
  EXPECT_EQ(
      LoadError(rc + R"("constraints":[{"claimName":"a","values":["x"]},{"claimName":"b"}]}]})"),
      "verifier.policies[1].requestedCredentials[0].constraints[1]");
  EXPECT_EQ(LoadError(rc + R"("constraints":[{"claimName":"a","values":[]}]}]})"),
            "verifier.policies[1].requestedCredentials[0].constraints[0].values");
  EXPECT_EQ(
      LoadError(
          rc +
          R"("configuration":{"validation":{"faceCheck":{"matchConfidenceThreshold":70}}}}]})"),
      "verifier.policies[1].requestedCredentials[0].configuration.validation.faceCheck."
      "sourcePhotoClaimName");
  EXPECT_EQ(
      LoadError(rc + R"("configuration":{"validation":{"faceCheck":{"sourcePhotoClaimName":"p",)"
                     R"("matchConfidenceThreshold":49}}}}]})"),
      "verifier.policies[1].requestedCredentials[0].configuration.validation.faceCheck."
      "matchConfidenceThreshold");
  EXPECT_EQ(
      LoadError(
          R"({"id":"p","includeReceipt":true,"requestedCredentials":[{"type":"T","configuration":)"
          R"({"validation":{"faceCheck":{"sourcePhotoClaimName":"p"}}}}]})"),
      "verifier.policies[1].includeReceipt");
  EXPECT_EQ(LoadError(rc + R"("configuration":{"validation":{"allowRevoked":"yes"}}}]})"),
            "verifier.policies[1].requestedCredentials[0].configuration.validation.allowRevoked");
  EXPECT_EQ(LoadError(R"({"id":"p","requestedCredentials":[{"type":""}]})"),
            "verifier.policies[1].requestedCredentials[0].type");
  EXPECT_EQ(LoadError(R"({"id":"p"})"), "verifier.policies[1].requestedCredentials");
  EXPECT_EQ(
      LoadError(
          R"({"id":"p","registration":{"purpose":"x"},"requestedCredentials":[{"type":"T"}]})"),
      "verifier.policies[1].registration.clientName");
  EXPECT_EQ(LoadError(R"({"id":"p","acceptedIssuers":[],"requestedCredentials":[{"type":"T"}]})"),
            "verifier.policies[1].acceptedIssuers");
  EXPECT_EQ(LoadError(R"({"id":"p","requestedCredentials":[{"type":"T"}]})"), "");
}

TEST(VerifierPolicy, ConfigFileErrorsNameThePathBeforeListening) {
  // Through the whole config loader, as vcserver --config reads it.
  const std::string json =
      R"({"verifier":{"policies":[{"id":"p","requestedCredentials":[{"type":"T",)"
      R"("constraints":[{"claimName":"a","contains":"x"},{"claimName":"b","contains":1}]}]}]}})";
  common::Config c = common::ParseConfig(json, "");
  try {
    LoadPolicies(c.verifier);
    FAIL() << "expected a ConfigError";
  } catch (const common::ConfigError& e) {
    EXPECT_EQ(e.path(), "verifier.policies[0].requestedCredentials[0].constraints[1].contains");
  }
  EXPECT_THROW(common::ParseConfig(R"({"verifier":{"resultRetentionSeconds":5}})", ""),
               common::ConfigError);
  EXPECT_THROW(
      common::ParseConfig(R"({"verifier":{"webhook":{"url":"http://h/x","secret":"short"}}})", ""),
      common::ConfigError);
  auto hook = common::ParseConfig(
      R"({"verifier":{"resultRetentionSeconds":600,"webhook":{"url":"http://h/x","secret":"0123456789abcdef"}}})",
      "");
  EXPECT_EQ(hook.verifier.result_retention_seconds, 600);
  EXPECT_EQ(hook.verifier.webhook.url, "http://h/x");
}

TEST(VerifierPolicy, RoundTripKeepsEverything) {
  common::VerifierConfig c;
  c.policies = {
      {"p",
       common::ConfigNode::FromJson(
           R"({"id":"p","includeReceipt":true,"registration":{"clientName":"Contoso","purpose":"x"},)"
           R"("requestedCredentials":[{"type":"T","purpose":"why","acceptedIssuers":["did:web:a"],)"
           R"("constraints":[{"claimName":"a","values":["1","2"]},{"claimName":"b","startsWith":"z"}],)"
           R"("configuration":{"validation":{"allowRevoked":true,"validateLinkedDomain":true}}}]})",
           "verifier.policies[0]")}};
  const auto policies = LoadPolicies(c);
  const std::string json = PolicyJson(policies[0]);
  auto doc = common::ParseJsonObject(json);
  Policy again;
  ASSERT_FALSE(ParsePolicy(*doc, "", true, again));
  EXPECT_EQ(PolicyJson(again), json);
  EXPECT_TRUE(again.requested[0].allow_revoked);
  EXPECT_EQ(again.requested[0].constraints[1].starts_with, "z");
  EXPECT_EQ(again.registration.client_name, "Contoso");
}

TEST(VerifierPolicy, SdJwtFormErrorsNameTheJsonPath) {
  const std::string rc =
      R"({"id":"p","requestedCredentials":[{"type":"T"},{"format":"dc+sd-jwt","vct":["v"],)";
  const std::string ok = R"("acceptedIssuers":["https://issuer.example"])";
  const std::string at = "verifier.policies[1].requestedCredentials[1]";
  EXPECT_EQ(LoadError(rc + ok + "}]}"), "");
  EXPECT_EQ(LoadError(rc + ok + R"(,"claims":["realName"],"id":"id_1"}]})"), "");
  EXPECT_EQ(
      LoadError(rc + R"("acceptedIssuers":["did:web:issuer.example","http://127.0.0.1:9"]}]})"),
      "");
  EXPECT_EQ(LoadError(R"({"id":"p","requestedCredentials":[{"type":"T","format":"ldp_vc"}]})"),
            "verifier.policies[1].requestedCredentials[0].format");
  EXPECT_EQ(LoadError(rc + ok + R"(,"vtc":["typo"]}]})"), at + ".vtc");
  EXPECT_EQ(LoadError(R"({"id":"p","requestedCredentials":[{"format":"dc+sd-jwt",)" + ok + "}]}"),
            "verifier.policies[1].requestedCredentials[0].vct");
  EXPECT_EQ(LoadError(rc + R"("acceptedIssuers":[]}]})"), at + ".acceptedIssuers");
  EXPECT_EQ(LoadError(rc + R"("acceptedIssuers":["https://a.example","http://issuer.example"]}]})"),
            at + ".acceptedIssuers[1]");
  EXPECT_EQ(LoadError(rc + R"("acceptedIssuers":["https://a.example/?q=1"]}]})"),
            at + ".acceptedIssuers[0]");
  EXPECT_EQ(LoadError(R"({"id":"p","requestedCredentials":[{"format":"dc+sd-jwt","vct":[""],)" +
                      ok + "}]}"),
            "verifier.policies[1].requestedCredentials[0].vct[0]");
  EXPECT_EQ(LoadError(rc + ok + R"(,"claims":["realName","exp"]}]})"), at + ".claims[1]");
  EXPECT_EQ(LoadError(rc + ok + R"(,"claims":["a","a"]}]})"), at + ".claims[1]");
  EXPECT_EQ(LoadError(rc + ok + R"(,"claims":[]}]})"), at + ".claims");
  EXPECT_EQ(LoadError(rc + ok + R"(,"id":"has space"}]})"), at + ".id");
  EXPECT_EQ(
      LoadError(rc + ok + R"(,"id":"x"},{"format":"dc+sd-jwt","id":"x","vct":["v"],)" + ok + "}]}"),
      "verifier.policies[1].requestedCredentials[2].id");
}

TEST(VerifierPolicy, SdJwtFormRoundTrips) {
  common::VerifierConfig c;
  c.policies = {
      {"p", common::ConfigNode::FromJson(
                R"({"id":"p","requestedCredentials":[{"format":"dc+sd-jwt","vct":["v1","v2"],)"
                R"("claims":["a","b"],"acceptedIssuers":["https://i.example"]},)"
                R"({"type":"T","format":"jwt_vc_json"}]})",
                "verifier.policies[0]")}};
  const auto policies = LoadPolicies(c);
  ASSERT_EQ(policies[0].sd_jwt.size(), 1u);
  ASSERT_EQ(policies[0].requested.size(), 1u);
  EXPECT_EQ(policies[0].sd_jwt[0].id, "cred0");
  EXPECT_EQ(policies[0].sd_jwt[0].claims, (std::vector<std::string>{"a", "b"}));
  const std::string json = PolicyJson(policies[0]);
  auto doc = common::ParseJsonObject(json);
  Policy again;
  ASSERT_FALSE(ParsePolicy(*doc, "", true, again));
  EXPECT_EQ(PolicyJson(again), json);
  const auto queries = DcqlQueries(again.sd_jwt);
  EXPECT_EQ(queries[0].vct_values, (std::vector<std::string>{"v1", "v2"}));
  EXPECT_EQ(queries[0].claims, (std::vector<std::vector<std::string>>{{"a"}, {"b"}}));
}

TEST(VerifierPolicy, DefaultPolicyAcceptsTheEmbeddedAuthority) {
  const common::Config c = common::DefaultConfig();
  const auto policies = LoadPolicies(c.verifier);
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_EQ(policies[0].id, "onboarding");
  EXPECT_TRUE(policies[0].include_receipt);
  EXPECT_EQ(policies[0].requested[0].type, "VerifiedIdentity");
  EXPECT_EQ(policies[0].requested[0].accepted_issuers,
            std::vector<std::string>{c.request_service.authority});
  // and the OpenID4VCI issuer's SD-JWT VCs of the default contract.
  ASSERT_EQ(policies[0].sd_jwt.size(), 1u);
  EXPECT_EQ(policies[0].sd_jwt[0].accepted_issuers, std::vector<std::string>{c.public_base_url});
  EXPECT_EQ(policies[0].sd_jwt[0].vct,
            std::vector<std::string>{c.public_base_url + "/oid4vci/types/VerifiedIdentity"});
  EXPECT_EQ(policies[0].sd_jwt[0].claims, std::vector<std::string>{"realName"});
}

TEST(VerifierPolicy, DefaultPolicyFollowsAPort0Rebase) {
  common::Config c = common::ParseConfig(R"({"publicBaseUrl":"http://127.0.0.1:0"})", "");
  ASSERT_NO_THROW(LoadPolicies(c.verifier));  // as vcserver checks it, before the port is known
  common::RebasePublicBaseUrl(c, "http://127.0.0.1:4321");
  const auto policies = LoadPolicies(c.verifier);
  EXPECT_EQ(policies[0].sd_jwt[0].accepted_issuers,
            std::vector<std::string>{"http://127.0.0.1:4321"});
  EXPECT_EQ(policies[0].sd_jwt[0].vct,
            std::vector<std::string>{"http://127.0.0.1:4321/oid4vci/types/VerifiedIdentity"});
}

TEST(VerifierPolicy, NoSdJwtDefaultWhereTheBaseUrlCannotBeAnIssuer) {
  // Plain http on a LAN address: the Entra form only, and no startup error.
  common::Config c = common::ParseConfig(R"({"publicBaseUrl":"http://192.168.1.5:8080"})", "");
  const auto policies = LoadPolicies(c.verifier);
  EXPECT_TRUE(policies[0].sd_jwt.empty());
  EXPECT_EQ(policies[0].requested.size(), 1u);
}

}  // namespace
}  // namespace vc::verifier
