// Jumio KYX against a local fake platform, through the real proofing routes.
#include "issuer/jumio_provider.h"

#include <regex>

#include "common/http/url.h"
#include "tests/fakes/fake_jumio.h"
#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

constexpr const char* kCallbackSecret = "jumio-callback-secret-0123456789";

class JumioTest : public IntakeFixture {
 protected:
  JumioTest() { provider_name_ = "jumio"; }
  std::map<std::string, std::shared_ptr<issuer::ProofingProvider>> ExtraProviders() override {
    issuer::JumioOptions o;
    o.base_url = fake_.url();
    o.client_id = "client-1";
    o.client_secret = "secret-1";
    o.callback_secret = kCallbackSecret;
    jumio_ = std::make_shared<issuer::JumioProvider>(o, http_, clock_);
    return {{"jumio", jumio_}};
  }
  // Opens a session and submits the form; returns the session id.
  std::string StartCheck(const std::string& request_id) {
    const std::string id = Open(request_id);
    submitted_ = *Post("/proofing/" + id,
                       common::FormUrlEncode({{"realName", "Olena Kovalenko"},
                                              {"idCardType", "PASSPORT"},
                                              {"idCardNumber", "P1234567"}}),
                       cookie_, false);
    return id;
  }
  std::string CallbackBody(const std::string& sent_at, const std::string& href_base,
                           std::string user_reference = "") {
    if (user_reference.empty()) {
      auto doc = common::ParseJsonObject(fake_.last_account_body());
      user_reference = std::string(common::GetString(*doc, "userReference").value_or(""));
    }
    const std::string a = fake_.last_account_id(), w = fake_.last_execution_id();
    return R"({"callbackSentAt":")" + sent_at + R"(","userReference":")" + user_reference +
           R"(","workflowExecution":{"id":")" + w + R"(","href":")" + href_base +
           "/api/v1/accounts/" + a + "/workflow-executions/" + w +
           R"(","definitionKey":"10013","status":"PROCESSED"},"account":{"id":")" + a +
           R"(","href":")" + href_base + "/api/v1/accounts/" + a + R"("}})";
  }
  common::HttpResponse SendCallback(const std::string& body) {
    common::HttpRequest req;
    req.method = "POST";
    req.url = server_->BaseUrl() + "/callbacks/jumio";
    req.body = body;
    req.headers = {{"Content-Type", "application/json"}};
    return *http_.Send(req);
  }
  std::string State(const std::string& id) {
    auto doc = common::ParseJsonObject(Get("/proofing/" + id, true, cookie_)->body);
    return std::string(common::GetString(*doc, "state").value_or(""));
  }
  void Decide(const std::string& decision) {
    fake_.SetDetails(fake_.last_execution_id(),
                     FakeJumio::Details(fake_.last_account_id(), fake_.last_execution_id(),
                                        "PROCESSED", decision, "OLENA", "KOVALENKO"));
  }

  FakeJumio fake_{"client-1", "secret-1"};
  std::shared_ptr<issuer::JumioProvider> jumio_;
  common::HttpResponse submitted_;
};

TEST_P(JumioTest, StartSendsOpaqueReferencesAndRedirectsToWebHref) {
  StartCheck("req-j1");
  EXPECT_EQ(submitted_.status, 303);
  EXPECT_EQ(std::string(submitted_.Header("location").value_or("")),
            fake_.url() + "/web/v4/app?authorizationToken=xxx&locale=en");
  const std::string body = fake_.last_account_body();
  auto doc = common::ParseJsonObject(body);
  ASSERT_TRUE(doc.ok());
  const std::string cir(common::GetString(*doc, "customerInternalReference").value_or(""));
  const std::string user_ref(common::GetString(*doc, "userReference").value_or(""));
  EXPECT_TRUE(std::regex_match(cir, std::regex("pa_[A-Za-z0-9_-]+"))) << cir;
  EXPECT_TRUE(
      std::regex_match(user_ref, std::regex("t=[0-9]+,r=pa_[A-Za-z0-9_-]+,v1=[0-9a-f]{32}")))
      << user_ref;
  EXPECT_LE(user_ref.size(), 100u);
  EXPECT_EQ(common::GetInt64(*common::GetObject(*doc, "workflowDefinition"), "key"), 10013);
  EXPECT_EQ(common::GetString(*doc, "callbackUrl").value_or(""), base_url_ + "/callbacks/jumio");
  EXPECT_NE(body.find("/return"), std::string::npos);
  for (const char* pii : {"Olena", "Kovalenko", "P1234567"}) {
    EXPECT_EQ(body.find(pii), std::string::npos) << pii;
  }
}

TEST_P(JumioTest, CallbackFetchesFromRebuiltUrlNeverTheHref) {
  std::atomic<int> evil_hits{0};
  common::HttpServer evil;
  evil.Route("GET", "/api/v1/accounts/:a/workflow-executions/:w", [&](const auto&) {
    ++evil_hits;
    return common::HttpServerResponse::Json(200, "{}");
  });
  evil.Start();
  const std::string id = StartCheck("req-j2");
  Decide("PASSED");
  auto resp = SendCallback(CallbackBody("2030-01-21T14:55:01.917Z", evil.BaseUrl()));
  EXPECT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(evil_hits.load(), 0);
  EXPECT_EQ(fake_.retrieval_calls(), 1);
  EXPECT_EQ(State(id), "verified");
  evil.Shutdown();
}

TEST_P(JumioTest, ForgedUserReferenceIsRefused) {
  const std::string id = StartCheck("req-j3");
  auto doc = common::ParseJsonObject(fake_.last_account_body());
  std::string forged(common::GetString(*doc, "userReference").value_or(""));
  forged.back() = forged.back() == '0' ? '1' : '0';
  auto resp = SendCallback(CallbackBody("2030-01-21T14:55:01.917Z", "https://x", forged));
  EXPECT_EQ(resp.status, 403);
  EXPECT_EQ(fake_.retrieval_calls(), 0);
  EXPECT_EQ(State(id), "pending");
  // Counted, not audited: only accepted callbacks reach the audit log.
  auto audit = audit_->List(0, 50);
  for (const auto& entry : *audit) EXPECT_NE(entry.action, "callback") << entry.outcome;
}

TEST_P(JumioTest, RepeatedAndStaleCallbacksAreIgnored) {
  const std::string id = StartCheck("req-j4");
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:02.000Z", "https://x")).status, 200);
  EXPECT_EQ(fake_.retrieval_calls(), 1);  // still INITIATED: pending
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:02.000Z", "https://x")).status, 200);
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:01.000Z", "https://x")).status, 200);
  EXPECT_EQ(fake_.retrieval_calls(), 1) << "a repeat and an older event fetch nothing";
  Decide("REJECTED");
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:03.000Z", "https://x")).status, 200);
  EXPECT_EQ(State(id), "rejected");
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:04.000Z", "https://x")).status, 200);
  EXPECT_EQ(fake_.retrieval_calls(), 2) << "a finished attempt ignores later callbacks";
}

TEST_P(JumioTest, TokenIsCachedRefreshedBeforeExpiryAndOnceOn401) {
  StartCheck("req-t1");
  StartCheck("req-t2");
  EXPECT_EQ(fake_.token_calls(), 1);
  fake_.RevokeTokens();
  StartCheck("req-t3");
  EXPECT_EQ(submitted_.status, 303);
  EXPECT_EQ(fake_.token_calls(), 2);
  clock_.Advance(3600 - 300);
  StartCheck("req-t4");
  EXPECT_EQ(fake_.token_calls(), 3);
  EXPECT_EQ(fake_.account_calls(), 4);
}

TEST_P(JumioTest, PollingFallbackFollowsTheDocumentedSchedule) {
  const std::string id = StartCheck("req-p1");
  Decide("PASSED");
  clock_.Advance(39);
  EXPECT_EQ(proofing_->PollDue(), 0);
  clock_.Advance(1);
  EXPECT_EQ(proofing_->PollDue(), 1);
  EXPECT_EQ(State(id), "verified");
}

TEST_P(JumioTest, PollingGivesUpAfterTheLastScheduledPoll) {
  const std::string id = StartCheck("req-p2");
  for (int64_t at : {40, 60, 100, 160, 240, 340, 460, 600, 760, 940}) {
    clock_.Set(1'760'000'000 + at);
    EXPECT_EQ(proofing_->PollDue(), 1) << at;
  }
  EXPECT_EQ(State(id), "expired");
  EXPECT_EQ(fake_.retrieval_calls(), 10);
}

class JumioDeferredTest : public JumioTest {
 protected:
  JumioDeferredTest() { proofing_options_.defer_callback_fetch = true; }
};

TEST_P(JumioDeferredTest, CallbackIsAnsweredBeforeTheVerdictIsFetched) {
  const std::string id = StartCheck("req-d1");
  Decide("PASSED");
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:01.917Z", "https://x")).status, 200);
  EXPECT_EQ(fake_.retrieval_calls(), 0);
  EXPECT_EQ(proofing_->ProcessQueued(), 1);
  EXPECT_EQ(State(id), "verified");
}

TEST(JumioMapping, DecisionsAndStatuses) {
  using issuer::ProofingOutcome;
  auto map = [](const std::string& status, const std::string& decision, bool strict = false) {
    return issuer::MapJumioDetails(FakeJumio::Details("a", "w", status, decision, "A", "B"), strict)
        ->outcome;
  };
  EXPECT_EQ(map("PROCESSED", "PASSED"), ProofingOutcome::kVerified);
  EXPECT_EQ(map("PROCESSED", "REJECTED"), ProofingOutcome::kRejected);
  EXPECT_EQ(map("PROCESSED", "WARNING"), ProofingOutcome::kNeedsReview);
  EXPECT_EQ(map("PROCESSED", "WARNING", true), ProofingOutcome::kRejected);
  EXPECT_EQ(map("PROCESSED", "NOT_EXECUTED"), ProofingOutcome::kExpired);
  EXPECT_EQ(map("SESSION_EXPIRED", ""), ProofingOutcome::kExpired);
  EXPECT_EQ(map("TOKEN_EXPIRED", ""), ProofingOutcome::kExpired);
  EXPECT_EQ(map("INITIATED", ""), ProofingOutcome::kPending);
  EXPECT_EQ(map("ACQUIRED", ""), ProofingOutcome::kPending);
  auto passed =
      issuer::MapJumioDetails(FakeJumio::Details("a", "w", "PROCESSED", "PASSED", "A", "B"), false);
  EXPECT_EQ(passed->claims.at("firstName"), "A");
  EXPECT_EQ(passed->claims.at("dateOfBirth"), "1990-03-07");
  // Entra's IDV claim names; the document number is not among the stored claims.
  EXPECT_EQ(passed->claims.at("documentType"), "PASSPORT");
  EXPECT_EQ(passed->claims.at("documentExpiryDate"), "2031-01-31");
  EXPECT_EQ(passed->claims.count("type") + passed->claims.count("documentNumber") +
                passed->claims.count("documentId"),
            0u);
  EXPECT_FALSE(issuer::MapJumioDetails(R"({"workflow":{"status":"WEIRD"}})", false).ok());
}

TEST(JumioTimestamps, ParsesCallbackSentAt) {
  EXPECT_EQ(issuer::ParseJumioTimestampMs("2021-01-21T14:55:01.917Z"), 1611240901917);
  EXPECT_EQ(issuer::ParseJumioTimestampMs("yesterday"), 0);
}

}  // namespace
}  // namespace vc::testing

namespace vc::testing {
namespace {

TEST_P(JumioTest, ExtractedNameThatDiffersFromTheClaimIsAMismatch) {
  const std::string id = StartCheck("req-n1");
  fake_.SetDetails(fake_.last_execution_id(),
                   FakeJumio::Details(fake_.last_account_id(), fake_.last_execution_id(),
                                      "PROCESSED", "PASSED", "IVAN", "PETRENKO"));
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:01.917Z", "https://x")).status, 200);
  EXPECT_EQ(State(id), "mismatch");
}

TEST_P(JumioTest, ExtractedDocumentNumberThatDiffersFromTheClaimIsAMismatch) {
  const std::string id = StartCheck("req-n3");
  std::string details = FakeJumio::Details(fake_.last_account_id(), fake_.last_execution_id(),
                                           "PROCESSED", "PASSED", "OLENA", "KOVALENKO");
  details.replace(details.find("P1234567"), 8, "P7654321");
  fake_.SetDetails(fake_.last_execution_id(), details);
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:01.917Z", "https://x")).status, 200);
  EXPECT_EQ(State(id), "mismatch");
}

TEST_P(JumioTest, ExtractedNameInAnotherOrderAndCaseAgrees) {
  const std::string id = StartCheck("req-n2");
  fake_.SetDetails(fake_.last_execution_id(),
                   FakeJumio::Details(fake_.last_account_id(), fake_.last_execution_id(),
                                      "PROCESSED", "PASSED", "KOVALENKO", "olena"));
  EXPECT_EQ(SendCallback(CallbackBody("2030-01-21T14:55:01.917Z", "https://x")).status, 200);
  EXPECT_EQ(State(id), "verified");
}

}  // namespace
}  // namespace vc::testing

namespace vc::testing {
namespace {

TEST(JumioCallbackAuth, IpAllowlistAndUserReferenceHmac) {
  common::ManualClock clock;
  common::CurlHttpClient http;
  issuer::JumioOptions o;
  o.callback_secret = kCallbackSecret;
  o.callback_ips = {"34.202.241.227"};
  issuer::JumioProvider jumio(o, http, clock);
  const std::string body =
      R"({"callbackSentAt":"2021-01-21T14:55:01.917Z","userReference":")" +
      jumio.UserReference("pa_1", 1) +
      R"(","workflowExecution":{"id":"w","status":"PROCESSED"},"account":{"id":"a"}})";
  auto from_jumio = jumio.AuthenticateCallback({{}, body, "34.202.241.227"});
  ASSERT_TRUE(from_jumio.ok());
  EXPECT_EQ(from_jumio->reference, "a/w");
  EXPECT_EQ(from_jumio->attempt_id, "pa_1");
  EXPECT_EQ(from_jumio->sent_at_ms, 1611240901917);
  EXPECT_FALSE(jumio.AuthenticateCallback({{}, body, "127.0.0.1"}).ok());
  std::string no_ref = body;
  no_ref.replace(no_ref.find("pa_1"), 4, "pa_2");
  EXPECT_FALSE(jumio.AuthenticateCallback({{}, no_ref, "34.202.241.227"}).ok())
      << "the HMAC covers the attempt id";
}

VC_INSTANTIATE_BACKENDS(JumioTest);
VC_INSTANTIATE_BACKENDS(JumioDeferredTest);

}  // namespace
}  // namespace vc::testing
