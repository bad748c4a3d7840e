// Contracts parsed from their config nodes: the same path-precise errors as
// the rest of the config (moved from tests/common/config/config_test.cpp).
#include "credentials/contract_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/base/json.h"

namespace vc::credentials {
namespace {

using common::ConfigError;
using common::ParseConfig;

const std::string kConfigDir = std::string(VC_TEST_DATA_DIR) + "/config";

// Parses `json` and its contracts and expects a ConfigError whose message
// starts with `prefix`.
void ExpectError(const std::string& json, const std::string& prefix) {
  try {
    (void)ParseContracts(ParseConfig(json, ""));
    ADD_FAILURE() << "no ConfigError for " << json << "\n(expected \"" << prefix << "\")";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u)
        << "message: " << e.what() << "\nexpected prefix: " << prefix;
  }
}

// The contract part of Config.FullDesignExampleParses.
TEST(Config, FullDesignExampleContract) {
  setenv("AUTH0_IDV_SECRET", "auth0-secret", 1);
  const common::Config c = common::LoadConfigFile(kConfigDir + "/full.json");
  unsetenv("AUTH0_IDV_SECRET");
  const ContractConfig contract = ParseContracts(c).at(0);
  EXPECT_EQ(contract.validity_interval_seconds, 2592000);
  EXPECT_TRUE(contract.claims.at(0).required);
  EXPECT_TRUE(contract.claims.at(0).indexed);
  EXPECT_EQ(contract.display,
            R"({"locale":"en-US","card":{"title":"Verified identity","issuedBy":"IDV Example"},)"
            R"("claims":{}})");
  EXPECT_EQ(contract.manifest_url, c.contracts.at(0).manifest_url);
}

// The contract line of Config.WrongTypes.
TEST(Config, ContractWrongTypes) {
  ExpectError(R"({"contracts":[{"id":"c","claims":[{"inputClaim":"x","required":"yes"}]}]})",
              "contracts[0].claims[0].required: must be a boolean");
}

TEST(Config, ContractRules) {
  ExpectError(
      R"({"contracts":[{"id":"c","claims":[{"inputClaim":"a","indexed":true},
                  {"inputClaim":"b","indexed":true}]}]})",
      "contracts[0].claims[1].indexed: only one claim may be indexed");
  ExpectError(R"({"contracts":[{"id":"c","claims":[{"outputClaim":"a"}]}]})",
              "contracts[0].claims[0].inputClaim: is required");
  ExpectError(R"({"contracts":[{"id":"c"},{"id":"c"}]})", "contracts[1].id: duplicate");
  ExpectError(R"({"contracts":[{"id":"c","display":"card"}]})",
              "contracts[0].display: must be an object");
  const std::vector<ContractConfig> contracts = ParseContracts(
      ParseConfig(R"({"contracts":[{"id":"C","claims":[{"inputClaim":"a"}]}]})", ""));
  EXPECT_EQ(contracts[0].type, "C");
  EXPECT_EQ(contracts[0].claims[0].output_claim, "a");
}

TEST(ContractConfig, UnknownKeysAndTheBuiltInContract) {
  ExpectError(R"({"contracts":[{"id":"c","claim":[]}]})", "contracts[0].claim: unknown key");
  ExpectError(R"({"contracts":[{"id":"c","validityIntervalSeconds":5}]})",
              "contracts[0].validityIntervalSeconds: must be between");
  const ContractConfig built_in = ParseContracts(common::DefaultConfig()).at(0);
  EXPECT_EQ(built_in.id, "VerifiedIdentity");
  EXPECT_EQ(built_in.type, "VerifiedIdentity");
  // realName, idCardType, then Entra's IDV claim names, each optional.
  std::vector<std::string> names;
  for (const auto& c : built_in.claims) {
    names.push_back(c.output_claim);
    EXPECT_EQ(c.input_claim, c.output_claim);
    EXPECT_EQ(c.required, c.input_claim == "realName") << c.input_claim;
    EXPECT_FALSE(c.indexed);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"realName", "idCardType", "firstName", "lastName",
                                             "dateOfBirth", "documentId", "documentType",
                                             "documentExpiryDate", "portrait"}));
  auto display = common::ParseJsonObject(built_in.display);
  ASSERT_TRUE(display);
  EXPECT_EQ(common::GetString((*display)["card"], "issuedBy"), "vcserver");
  EXPECT_EQ(common::GetString((*display)["claims"]["vc.credentialSubject.dateOfBirth"], "label"),
            "Date of birth");
  EXPECT_EQ(built_in.validity_interval_seconds, 2592000);
}

TEST(ContractConfig, FormatsAndVct) {
  const ContractConfig plain =
      ParseContracts(ParseConfig(R"({"contracts":[{"id":"c"}]})", "")).at(0);
  EXPECT_EQ(plain.formats, std::vector<std::string>{"jwt_vc_json"});
  EXPECT_TRUE(plain.Issues(kFormatJwtVcJson));
  EXPECT_FALSE(plain.Issues(kFormatSdJwtVc));
  EXPECT_EQ(plain.vct, "");
  const ContractConfig both =
      ParseContracts(ParseConfig(R"({"contracts":[{"id":"c","formats":["jwt_vc_json","dc+sd-jwt"],
                     "vct":"https://idv.example/vct/pid"}]})",
                                 ""))
          .at(0);
  EXPECT_TRUE(both.Issues(kFormatSdJwtVc) && both.Issues(kFormatJwtVcJson));
  EXPECT_EQ(both.vct, "https://idv.example/vct/pid");
  ExpectError(R"({"contracts":[{"id":"c","formats":[]}]})",
              "contracts[0].formats: must list at least one format");
  ExpectError(R"({"contracts":[{"id":"c","formats":["jwt_vc_json","ldp_vc"]}]})",
              "contracts[0].formats[1]: must be");
  ExpectError(R"({"contracts":[{"id":"c","formats":["dc+sd-jwt","dc+sd-jwt"]}]})",
              "contracts[0].formats[1]: is listed twice");
  ExpectError(R"({"contracts":[{"id":"c","vct":""}]})", "contracts[0].vct:");
  ExpectError(R"({"contracts":[{"id":"c","formats":["dc+sd-jwt"],
                  "claims":[{"inputClaim":"a"},{"inputClaim":"b","outputClaim":"iss"}]}]})",
              "contracts[0].claims[1].outputClaim: \"iss\" is a claim of the SD-JWT VC");
  // The Entra path alone may keep such names (a VC-JWT's credentialSubject).
  EXPECT_NO_THROW((void)ParseContracts(ParseConfig(
      R"({"contracts":[{"id":"c","claims":[{"inputClaim":"b","outputClaim":"status"}]}]})", "")));
}

}  // namespace
}  // namespace vc::credentials
