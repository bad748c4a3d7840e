// Display definitions: Entra's array shape reaches the manifest, unusable
// shapes are config errors naming their path.
#include "credentials/contract_display.h"

#include <gtest/gtest.h>

#include "common/base/json.h"
#include "credentials/contract.h"

namespace vc::credentials {
namespace {

std::string Parse(const std::string& json) {
  return ParseDisplay(common::ConfigNode::FromJson(json, "contracts[0].display"));
}

void ExpectError(const std::string& json, const std::string& prefix) {
  try {
    (void)Parse(json);
    ADD_FAILURE() << "no ConfigError for " << json;
  } catch (const common::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what();
  }
}

TEST(ContractDisplayTest, EntraArrayReachesTheManifest) {
  ContractConfig config;
  config.id = "VerifiedEmployee";
  config.display = Parse(
      R"({"locale":"en-GB","card":{"title":"Employee"},"consent":{"title":"Add it"},
          "claims":[{"claim":"vc.credentialSubject.firstName","label":"First name","type":"String"},
                    {"claim":"vc.credentialSubject.photo","label":"Photo",
                     "type":"image/jpg;base64url","description":"Your photo"}]})");
  const Contract contract(config);
  auto manifest = common::ParseJsonObject(
      contract.ManifestPayload("did:web:x", "https://x/manifest", "https://x/issue"));
  ASSERT_TRUE(manifest);
  const auto& display = (*manifest)["display"];
  EXPECT_EQ(common::GetString(display, "locale"), "en-GB");
  EXPECT_EQ(common::GetString(display["card"], "title"), "Employee");
  EXPECT_EQ(common::GetString(display["consent"], "title"), "Add it");
  const auto& claims = display["claims"];
  EXPECT_EQ(common::ToJson(claims["vc.credentialSubject.firstName"]),
            R"({"type":"String","label":"First name"})");
  EXPECT_EQ(common::ToJson(claims["vc.credentialSubject.photo"]),
            R"({"type":"image/jpg;base64url","label":"Photo","description":"Your photo"})");
}

TEST(ContractDisplayTest, ManifestShapeIsKeptAndDefaultsFilledIn) {
  EXPECT_EQ(
      Parse(R"({"claims":{"vc.credentialSubject.a":{"label":"A"}}})"),
      R"({"locale":"en-US","claims":{"vc.credentialSubject.a":{"type":"String","label":"A"}}})");
  EXPECT_EQ(Parse(R"({"card":{"title":"T"}})"),
            R"({"locale":"en-US","card":{"title":"T"},"claims":{}})");
}

TEST(ContractDisplayTest, UnusableShapesAreConfigErrors) {
  ExpectError(R"({"claims":"firstName"})", "contracts[0].display.claims: must be an array");
  ExpectError(R"({"claims":[{"label":"A"}]})", "contracts[0].display.claims[0].claim: is required");
  ExpectError(R"({"claims":[{"claim":"firstName","label":"A"}]})",
              "contracts[0].display.claims[0].claim: must start with vc.credentialSubject.");
  ExpectError(R"({"claims":[{"claim":"vc.credentialSubject.a"}]})",
              "contracts[0].display.claims[0].label: is required");
  ExpectError(R"({"claims":[{"claim":"vc.credentialSubject.a","label":"A","lable":"B"}]})",
              "contracts[0].display.claims[0].lable: unknown key");
  ExpectError(R"({"claims":[{"claim":"vc.credentialSubject.a","label":"A"},
                             {"claim":"vc.credentialSubject.a","label":"B"}]})",
              "contracts[0].display.claims: vc.credentialSubject.a is described twice");
  ExpectError(R"({"claims":{"a":{"label":"A"}}})",
              "contracts[0].display.claims.a: must start with vc.credentialSubject.");
  ExpectError(R"({"card":"x"})", "contracts[0].display.card: must be an object");
  ExpectError(R"({"cards":{}})", "contracts[0].display.cards: unknown key");
}

}  // namespace
}  // namespace vc::credentials
