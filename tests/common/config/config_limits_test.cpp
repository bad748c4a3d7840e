// "rateLimits", "connections" and "tls" in the config (common/config_limits.cpp).
#include <gtest/gtest.h>

#include <string>

#include "common/config/config.h"

namespace vc::common {
namespace {

const std::string kConfigDir = std::string(VC_TEST_DATA_DIR) + "/config";

void ExpectError(const std::string& json, const std::string& prefix) {
  try {
    (void)ParseConfig(json, kConfigDir);
    ADD_FAILURE() << "no ConfigError for " << json;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what() << "\nexpected: " << prefix;
  }
}

TEST(ConfigLimits, DefaultsLimitEveryGroup) {
  const Config c = ParseConfig("{}", "");
  for (const auto* pair : {&c.rate_limits.intake, &c.rate_limits.token, &c.rate_limits.create}) {
    EXPECT_TRUE(pair->per_ip.enabled());
    EXPECT_TRUE(pair->per_org.enabled());
    EXPECT_GE(pair->per_ip.burst, 1);
  }
  EXPECT_TRUE(c.tls.ca_bundle.empty());
}

TEST(ConfigLimits, ParsesRatesBurstsAndZeroAsOff) {
  const Config c = ParseConfig(R"({"rateLimits":{
      "intake":{"perIp":{"ratePerSecond":0.5,"burst":3},"perOrg":0},
      "token":{"perIp":{"ratePerSecond":2}},
      "create":{"perOrg":{"ratePerSecond":0}},
      "maxTrackedKeys":1000}})",
                               "");
  EXPECT_DOUBLE_EQ(c.rate_limits.intake.per_ip.rate_per_second, 0.5);
  EXPECT_DOUBLE_EQ(c.rate_limits.intake.per_ip.burst, 3);
  EXPECT_FALSE(c.rate_limits.intake.per_org.enabled());
  EXPECT_DOUBLE_EQ(c.rate_limits.token.per_ip.burst, 2);  // burst defaults to the rate
  EXPECT_TRUE(c.rate_limits.token.per_org.enabled());     // untouched: default
  EXPECT_FALSE(c.rate_limits.create.per_org.enabled());
  EXPECT_EQ(c.rate_limits.max_tracked_keys, 1000);
}

TEST(ConfigLimits, ErrorsNameTheJsonPath) {
  ExpectError(R"({"rateLimits":{"intake":{"perIP":0}}})", "rateLimits.intake.perIP: unknown key");
  ExpectError(R"({"rateLimits":{"login":{}}})", "rateLimits.login: unknown key");
  ExpectError(R"({"rateLimits":{"token":{"perIp":5}}})", "rateLimits.token.perIp: must be 0 (off)");
  ExpectError(R"({"rateLimits":{"token":{"perIp":{"burst":5}}}})",
              "rateLimits.token.perIp: needs ratePerSecond");
  ExpectError(R"({"rateLimits":{"token":{"perIp":{"ratePerSecond":-1}}}})",
              "rateLimits.token.perIp.ratePerSecond: must be between 0");
  ExpectError(R"({"rateLimits":{"create":{"perOrg":{"ratePerSecond":"10"}}}})",
              "rateLimits.create.perOrg.ratePerSecond: must be a number");
  ExpectError(R"({"rateLimits":{"create":{"perOrg":{"ratePerSecond":1,"burst":0.5}}}})",
              "rateLimits.create.perOrg.burst: must be at least 1");
  ExpectError(R"({"rateLimits":{"maxTrackedKeys":1}})",
              "rateLimits.maxTrackedKeys: must be between");
  ExpectError(R"({"rateLimits":[]})", "rateLimits: must be an object");
}

TEST(ConfigLimits, ConnectionLimits) {
  const Config defaults = ParseConfig("{}", "");
  EXPECT_EQ(defaults.connections.max_open, 10'000);
  EXPECT_EQ(defaults.connections.max_per_ip, 256);
  const Config c = ParseConfig(R"({"connections":{"maxOpen":0,"maxPerIp":4000}})", "");
  EXPECT_EQ(c.connections.max_open, 0);
  EXPECT_EQ(c.connections.max_per_ip, 4000);
  ExpectError(R"({"connections":{"maxPerIP":1}})", "connections.maxPerIP: unknown key");
  ExpectError(R"({"connections":{"maxPerIp":-1}})", "connections.maxPerIp: must be between");
  ExpectError(R"({"connections":{"maxOpen":"many"}})", "connections.maxOpen:");
  ExpectError(R"({"connections":8})", "connections: must be an object");
}

TEST(ConfigLimits, CaBundleIsResolvedAndMustExist) {
  const Config c = ParseConfig(R"({"tls":{"caBundle":"full.json"}})", kConfigDir);
  EXPECT_EQ(c.tls.ca_bundle, kConfigDir + "/full.json");
  ExpectError(R"({"tls":{"caBundle":"missing.pem"}})", "tls.caBundle: is not a readable file");
}

TEST(ConfigLimits, TlsVerificationCannotBeSwitchedOff) {
  for (const char* key : {"verify", "insecure", "verifyPeer", "skipVerify"}) {
    ExpectError(std::string(R"({"tls":{")") + key + R"(":false}})",
                std::string("tls.") + key + ": unknown key");
  }
}

}  // namespace
}  // namespace vc::common
