// "outbound" in the config (common/config/config_outbound.cpp).
#include <gtest/gtest.h>

#include <string>

#include "common/config/config.h"

namespace vc::common {
namespace {

void ExpectError(const std::string& json, const std::string& prefix) {
  try {
    (void)ParseConfig(json, "");
    ADD_FAILURE() << "no ConfigError for " << json;
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what() << "\nexpected: " << prefix;
  }
}

const char* kProduction = R"({"environment":"production","publicBaseUrl":"https://idv.example",
    "proofingProviders":{"jumio":{"type":"jumio","clientId":"c","clientSecret":"s"}},
    "orgs":[{"id":"contoso","redirectUrls":["https://contoso.example/done"],
             "keys":{"jwksUri":"https://contoso.example/jwks.json"}}]})";

TEST(ConfigOutbound, DefaultsRefuseSpecialAddressesAndHttpOnlyInProduction) {
  const Config dev = ParseConfig("{}", "");
  EXPECT_FALSE(dev.outbound.policy.https_only);
  EXPECT_TRUE(dev.outbound.policy.allow.empty());
  EXPECT_EQ(dev.outbound.policy.connect_timeout_ms, 2000);
  EXPECT_EQ(dev.outbound.policy.max_per_host, 4);
  EXPECT_EQ(dev.outbound.outbox.retry_seconds, 86'400);
  EXPECT_EQ(dev.outbound.outbox.retention_seconds, 7 * 86'400);
  EXPECT_TRUE(ParseConfig(kProduction, "").outbound.policy.https_only);
  EXPECT_FALSE(DefaultConfig().outbound.policy.https_only);
}

TEST(ConfigOutbound, ParsesEveryKey) {
  const Config c = ParseConfig(R"({"outbound":{"allow":["127.0.0.1","10.0.0.0/8","fd00::/8"],
      "connectTimeoutMs":500,"timeoutMs":3000,"maxResponseBytes":65536,"maxPerHost":2,
      "maxConcurrent":8,"negativeCacheSeconds":0,
      "outbox":{"retrySeconds":3600,"maxBackoffSeconds":60,"timeoutMs":2000,
                "retentionSeconds":7200,"maxDestinations":8}}})",
                               "");
  const auto& p = c.outbound.policy;
  ASSERT_EQ(p.allow.size(), 3u);
  EXPECT_EQ(p.allow[1].ToString(), "10.0.0.0/8");
  EXPECT_EQ(p.connect_timeout_ms, 500);
  EXPECT_EQ(p.timeout_ms, 3000);
  EXPECT_EQ(p.max_response_bytes, 65536u);
  EXPECT_EQ(p.max_per_host, 2);
  EXPECT_EQ(p.max_concurrent, 8);
  EXPECT_EQ(p.negative_cache_seconds, 0);
  const auto& o = c.outbound.outbox;
  EXPECT_EQ(o.retry_seconds, 3600);
  EXPECT_EQ(o.max_backoff_seconds, 60);
  EXPECT_EQ(o.timeout_ms, 2000);
  EXPECT_EQ(o.retention_seconds, 7200);
  EXPECT_EQ(o.max_destinations, 8);
}

TEST(ConfigOutbound, ErrorsNameTheJsonPath) {
  ExpectError(R"({"outbound":{"allow":["localhost"]}})", "outbound.allow[0]: must be an IP");
  ExpectError(R"({"outbound":{"allow":["127.0.0.1","10.0.0.1/8"]}})",
              "outbound.allow[1]: must be an IP");
  ExpectError(R"({"outbound":{"allow":"127.0.0.1"}})", "outbound.allow:");
  ExpectError(R"({"outbound":{"allowList":[]}})", "outbound.allowList: unknown key");
  ExpectError(R"({"outbound":{"connectTimeoutMs":0}})", "outbound.connectTimeoutMs: must be");
  ExpectError(R"({"outbound":{"maxPerHost":"4"}})", "outbound.maxPerHost: must be an integer");
  ExpectError(R"({"outbound":{"outbox":{"retrySeconds":10}}})",
              "outbound.outbox.retrySeconds: must be between 60");
  ExpectError(R"({"outbound":{"outbox":{"give_up":1}}})", "outbound.outbox.give_up: unknown key");
}

TEST(ConfigOutbound, AWebhookThePolicyWouldRefuseIsAConfigError) {
  const std::string hook = R"({"verifier":{"webhook":{"url":"URL","secret":"0123456789abcdef"}}})";
  auto with = [&](const std::string& url, const std::string& extra = "") {
    std::string json = hook;
    json.replace(json.find("URL"), 3, url);
    return json.substr(0, json.size() - 1) + extra + "}";
  };
  ExpectError(with("http://127.0.0.1:9000/hook"),
              "verifier.webhook.url: the address is not allowed");
  ExpectError(with("http://[::1]/hook"), "verifier.webhook.url: the address is not allowed");
  EXPECT_NO_THROW(ParseConfig(
      with("http://127.0.0.1:9000/hook", R"(,"outbound":{"allow":["127.0.0.1"]})"), ""));
  EXPECT_NO_THROW(ParseConfig(with("https://app.example/hook"), ""));
  // Our own URL is served in process.
  EXPECT_NO_THROW(ParseConfig(with("http://127.0.0.1:8080/demo/hook"), ""));
}

}  // namespace
}  // namespace vc::common
