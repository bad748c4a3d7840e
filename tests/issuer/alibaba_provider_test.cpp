// Id2MetaVerify against a local fake that re-checks every signature.
#include "issuer/alibaba_provider.h"

#include <gtest/gtest.h>

#include <mutex>

#include "common/base/clock.h"
#include "common/base/log.h"
#include "tests/fakes/fake_alibaba.h"

namespace vc::testing {
namespace {

constexpr const char* kId = "11010519491231002X";

class AlibabaProviderTest : public ::testing::TestWithParam<bool> {
 protected:
  issuer::AlibabaProvider Make(const std::string& secret = "ak-secret") {
    issuer::AlibabaOptions o;
    o.endpoint = fake_.url();
    o.access_key_id = "LTAI-test";
    o.access_key_secret = secret;
    o.v1_signature = GetParam();
    o.backoff = [this](int64_t ms) { waits_.push_back(ms); };
    return issuer::AlibabaProvider(o, http_, clock_);
  }
  common::Result<issuer::StartResult> Start(issuer::AlibabaProvider& p, const std::string& name) {
    return p.Start({"pa_1", {name, "PRC_ID", kId}, "", ""});
  }

  FakeAlibaba fake_{"LTAI-test", "ak-secret"};
  common::ManualClock clock_{1'760'000'000};
  common::CurlHttpClient http_;
  std::vector<int64_t> waits_;
};

TEST_P(AlibabaProviderTest, BizCodesMapToOutcomesWithOneCallEach) {
  auto p = Make();
  const std::pair<const char*, issuer::ProofingOutcome> cases[] = {
      {"1", issuer::ProofingOutcome::kVerified},
      {"2", issuer::ProofingOutcome::kMismatch},
      {"3", issuer::ProofingOutcome::kNoRecord}};
  int calls = 0;
  for (const auto& [biz, outcome] : cases) {
    const std::string name = std::string("张三") + biz;
    fake_.Script(name, {{200, FakeAlibaba::Biz(biz)}});
    auto r = Start(p, name);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->verdict.outcome, outcome) << biz;
    EXPECT_EQ(r->verdict.reason, std::string("biz_code_") + biz);
    EXPECT_EQ(fake_.calls(), ++calls) << "a billed answer is never retried";
  }
  EXPECT_EQ(fake_.bad_signatures(), 0);
  EXPECT_EQ(fake_.last_signature_kind(), GetParam() ? "v1" : "v3");
}

TEST_P(AlibabaProviderTest, RetryableCodesAreRetriedThenSucceed) {
  auto p = Make();
  fake_.Script("retry", {{200, FakeAlibaba::CodeOnly("402")},
                         {500, FakeAlibaba::CodeOnly("500")},
                         {200, FakeAlibaba::Biz("1")}});
  auto r = Start(p, "retry");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->verdict.outcome, issuer::ProofingOutcome::kVerified);
  EXPECT_EQ(fake_.calls(), 3);
  EXPECT_EQ(waits_.size(), 2u);
}

TEST_P(AlibabaProviderTest, RetriesAreBoundedAndEndUnavailable) {
  auto p = Make();
  fake_.Script("down", {{200, FakeAlibaba::CodeOnly("500")}});
  auto r = Start(p, "down");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "provider_unavailable");
  EXPECT_EQ(fake_.calls(), 3);
}

TEST_P(AlibabaProviderTest, NonRetryableCodesAreErrorsAfterOneCall) {
  auto p = Make();
  for (const char* code : {"400", "401", "403", "410", "411", "412"}) {
    fake_.Script(code, {{200, FakeAlibaba::CodeOnly(code)}});
  }
  int calls = 0;
  for (const char* code : {"400", "401", "403", "410", "411", "412"}) {
    auto r = Start(p, code);
    ASSERT_FALSE(r.ok()) << code;
    EXPECT_EQ(r.error().code, "provider_error") << code;
    EXPECT_EQ(fake_.calls(), ++calls) << code;
  }
}

TEST_P(AlibabaProviderTest, WrongSecretIsAGatewayErrorNotRetried) {
  auto p = Make("wrong-secret");
  fake_.Script("x", {{200, FakeAlibaba::Biz("1")}});
  auto r = Start(p, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "provider_error");
  EXPECT_NE(r.error().message.find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(fake_.calls(), 1);
  EXPECT_FALSE(p.Test().ok());
}

TEST_P(AlibabaProviderTest, NetworkFailureIsRetriedThenUnavailable) {
  auto p = Make();
  fake_.Stop();
  auto r = Start(p, "x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "provider_unavailable");
  EXPECT_EQ(waits_.size(), 2u);
}

TEST_P(AlibabaProviderTest, TestChecksCredentialsWithoutABilledCall) {
  auto p = Make();
  EXPECT_TRUE(p.Test().ok());
  EXPECT_EQ(fake_.bad_signatures(), 0);
}

INSTANTIATE_TEST_SUITE_P(SignatureVersions, AlibabaProviderTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "V1" : "V3"; });

TEST(AlibabaMapping, ResponsesMapToVerdictsOrErrors) {
  EXPECT_EQ(issuer::MapId2MetaResponse(200, FakeAlibaba::Biz("1"))->outcome,
            issuer::ProofingOutcome::kVerified);
  EXPECT_EQ(issuer::MapId2MetaResponse(200, R"({"Code":"200"})").error().code, "provider_error");
  EXPECT_EQ(issuer::MapId2MetaResponse(200, FakeAlibaba::Biz("9")).error().code, "provider_error");
  EXPECT_EQ(issuer::MapId2MetaResponse(503, "not json").error().code, "provider_unavailable");
  EXPECT_EQ(issuer::MapId2MetaResponse(400, FakeAlibaba::CodeOnly("InvalidAccessKeyId.NotFound"))
                .error()
                .code,
            "provider_error");
}

TEST(AlibabaValidate, OnlyPrcIdsWithAValidChecksum) {
  common::ManualClock clock;
  common::CurlHttpClient http;
  issuer::AlibabaProvider p({}, http, clock);
  EXPECT_TRUE(p.Validate({"张三", "PRC_ID", kId}).ok());
  EXPECT_FALSE(p.Validate({"张三", "PRC_ID", "110105194912310021"}).ok());
  EXPECT_FALSE(p.Validate({"张三", "PASSPORT", "E1234567"}).ok());
}

}  // namespace
}  // namespace vc::testing

namespace vc::testing {
namespace {

TEST(AlibabaLogs, NeverCarryTheNameOrNumber) {
  FakeAlibaba fake("LTAI-test", "ak-secret");
  fake.Script("李小龙", {{500, FakeAlibaba::CodeOnly("500")}, {200, FakeAlibaba::Biz("2")}});
  std::mutex mu;
  std::string captured;
  common::Logger::Global().SetSink([&](std::string_view line) {
    std::lock_guard lock(mu);
    captured += line;
  });
  common::ManualClock clock;
  common::CurlHttpClient http;
  issuer::AlibabaOptions o;
  o.endpoint = fake.url();
  o.access_key_id = "LTAI-test";
  o.access_key_secret = "ak-secret";
  o.max_attempts = 1;
  o.backoff = [](int64_t) {};
  issuer::AlibabaProvider p(o, http, clock);
  EXPECT_FALSE(p.Start({"pa_1", {"李小龙", "PRC_ID", kId}, "", ""}).ok());  // logs a warning
  o.max_attempts = 3;
  issuer::AlibabaProvider retrying(o, http, clock);
  EXPECT_TRUE(retrying.Start({"pa_2", {"李小龙", "PRC_ID", kId}, "", ""}).ok());
  common::Logger::Global().SetSink(nullptr);
  std::lock_guard lock(mu);
  EXPECT_NE(captured.find("alibaba_unavailable"), std::string::npos);
  EXPECT_EQ(captured.find(kId), std::string::npos);
  EXPECT_EQ(captured.find("李小龙"), std::string::npos);
  EXPECT_EQ(captured.find("ak-secret"), std::string::npos);
}

}  // namespace
}  // namespace vc::testing
