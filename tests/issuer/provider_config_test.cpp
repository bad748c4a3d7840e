// Proofing providers' options parsed from their config nodes: the same
// path-precise errors as the rest of the config (moved from
// tests/common/config/config_test.cpp), and Jumio's callbackIps and
// warningPolicy.
#include "issuer/provider_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace vc::issuer {
namespace {

using common::ConfigError;
using common::ParseConfig;

const std::string kConfigDir = std::string(VC_TEST_DATA_DIR) + "/config";

// Parses `json` and its providers' options and expects a ConfigError whose
// message starts with `prefix`.
void ExpectError(const std::string& json, const std::string& prefix,
                 const std::string& base_dir = "") {
  try {
    CheckProviderOptions(ParseConfig(json, base_dir));
    ADD_FAILURE() << "no ConfigError for " << json << "\n(expected \"" << prefix << "\")";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u)
        << "message: " << e.what() << "\nexpected prefix: " << prefix;
  }
}

class EnvVar {
 public:
  EnvVar(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~EnvVar() { unsetenv(name_); }

 private:
  const char* name_;
};

// The provider part of Config.FullDesignExampleParses.
TEST(Config, FullDesignExampleProviders) {
  EnvVar auth0("AUTH0_IDV_SECRET", "auth0-secret");
  EnvVar jumio("JUMIO_SECRET", "jumio-secret");
  const common::Config c = common::LoadConfigFile(kConfigDir + "/full.json");
  EXPECT_NO_THROW(CheckProviderOptions(c));
  const JumioOptions j = ParseJumioOptions(c.proofing_providers.at("jumio").node, c.context());
  EXPECT_EQ(j.client_secret, "jumio-secret");
  EXPECT_EQ(j.callback_secret, "jumio-callback-secret");
  EXPECT_EQ(j.workflow_key, 10013);
  const AlibabaOptions a = ParseAlibabaOptions(c.proofing_providers.at("aliyun").node, c.context());
  EXPECT_EQ(a.access_key_secret, "aliyun-secret");  // "\r\n" trimmed
  EXPECT_FALSE(a.v1_signature);                     // "v3"
}

TEST(Config, ProviderRequiredFields) {
  ExpectError(R"({"proofingProviders":{"j":{"type":"jumio","clientSecret":"s"}}})",
              "proofingProviders.j.clientId: is required");
  ExpectError(R"({"proofingProviders":{"al":{"type":"alibaba","accessKeyId":"id"}}})",
              "proofingProviders.al.accessKeySecret: is required");
  ExpectError(R"({"proofingProviders":{"al":{"type":"alibaba","accessKeyId":"id",
                  "accessKeySecret":"s","signatureVersion":"v2"}}})",
              "proofingProviders.al.signatureVersion: must be one of");
  ExpectError(R"({"proofingProviders":{"j":{"type":"jumio","clientId":"c","clientSecret":"s",
                  "workflowKey":"10013"}}})",
              "proofingProviders.j.workflowKey: must be an integer");
}

TEST(ProviderConfig, JumioDefaultsAndTypedFields) {
  const common::Config c = ParseConfig(
      R"({"proofingProviders":{"j":{"type":"jumio","clientId":"c","clientSecret":"s",
          "region":"eu-1","baseUrl":"http://127.0.0.1:9/","workflowKey":7}}})",
      "");
  const JumioOptions o = ParseJumioOptions(c.proofing_providers.at("j").node, c.context());
  EXPECT_EQ(o.region, "eu-1");
  EXPECT_EQ(o.base_url, "http://127.0.0.1:9/");
  EXPECT_EQ(o.client_id, "c");
  EXPECT_EQ(o.workflow_key, 7);
  EXPECT_EQ(o.callback_secret, "");  // the server generates one
  EXPECT_TRUE(o.callback_ips.empty());
  EXPECT_FALSE(o.warning_is_rejection);
  ExpectError(R"({"proofingProviders":{"j":{"type":"jumio","clientId":"c","clientSecret":"s",
                  "baseUrl":"ftp://x"}}})",
              "proofingProviders.j.baseUrl: must be an absolute http(s) URL");
  ExpectError(R"({"proofingProviders":{"j":{"type":"jumio","clientId":"c"}}})",
              "proofingProviders.j.clientSecret: is required");
  ExpectError(R"({"proofingProviders":{"al":{"type":"alibaba","accessKeySecret":"s"}}})",
              "proofingProviders.al.accessKeyId: is required");
}

// Options that used to be read from the provider's raw JSON in server/ and are
// now checked where they are parsed.
TEST(ProviderConfig, JumioCallbackIpsAndWarningPolicy) {
  const common::Config c = ParseConfig(
      R"({"proofingProviders":{"j":{"type":"jumio","clientId":"c","clientSecret":"s",
          "callbackIps":["34.202.241.227","::1"],"warningPolicy":"reject"}}})",
      "");
  const JumioOptions o = ParseJumioOptions(c.proofing_providers.at("j").node, c.context());
  EXPECT_EQ(o.callback_ips, (std::vector<std::string>{"34.202.241.227", "::1"}));
  EXPECT_TRUE(o.warning_is_rejection);
  const std::string jumio = R"({"proofingProviders":{"j":{"type":"jumio","clientId":"c",)"
                            R"("clientSecret":"s",)";
  EXPECT_NO_THROW(CheckProviderOptions(ParseConfig(jumio + R"("warningPolicy":"review"}}})", "")));
  ExpectError(jumio + R"("callbackIps":"34.202.241.227"}}})",
              "proofingProviders.j.callbackIps: must be an array of strings");
  ExpectError(jumio + R"("callbackIps":["34.202.241.227",7]}}})",
              "proofingProviders.j.callbackIps[1]: must be a string");
  ExpectError(jumio + R"("warningPolicy":"ignore"}}})",
              "proofingProviders.j.warningPolicy: must be one of review, reject");
  ExpectError(jumio + R"("warningPolicy":true}}})",
              "proofingProviders.j.warningPolicy: must be a string");
}

}  // namespace
}  // namespace vc::issuer
