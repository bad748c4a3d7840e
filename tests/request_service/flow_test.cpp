// The wallet protocol end to end over HTTP: issuance, presentation, callbacks.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "common/base/base64url.h"
#include "common/http/outbox_store.h"
#include "common/jose/jws.h"
#include "credentials/status_list.h"
#include "request_service/fixture.h"

namespace vc::testing {
namespace {

class FlowTest : public RequestServiceFixture {
 protected:
  std::string Issue(const std::string& extra = "", const std::string& pin = "") {
    const std::string link = Create("Issuance", IssuanceBody(extra));
    auto vc = wallet_.Accept(holder_, link, pin);
    EXPECT_TRUE(vc) << (vc ? "" : vc.error().message);
    return vc ? *vc : "";
  }
  std::string LastBody() { return receiver_.received().back().body; }
};

TEST_P(FlowTest, IssueThenPresentWithCallbacksInOrder) {
  const std::string vc = Issue();
  ASSERT_FALSE(vc.empty());
  Deliver();
  EXPECT_EQ(receiver_.Delivered(),
            (std::vector<std::string>{"request_retrieved", "issuance_successful"}));
  EXPECT_EQ(receiver_.received()[0].api_key, "cb-key");

  const std::string link = Create("Presentation", PresentationBody());
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, link).ok());
  Deliver();
  // Once each; each request's events in order (the outbox orders per request,
  // not across requests).
  const std::vector<std::string> delivered = receiver_.Delivered();
  const std::vector<std::string> expected = {"request_retrieved", "issuance_successful",
                                             "request_retrieved", "presentation_verified"};
  ASSERT_TRUE(
      std::is_permutation(delivered.begin(), delivered.end(), expected.begin(), expected.end()))
      << ::testing::PrintToString(delivered);
  EXPECT_EQ(delivered.front(), "request_retrieved");
  EXPECT_EQ(delivered.back(), "presentation_verified");
  auto doc = common::ParseJsonObject(LastBody());
  ASSERT_TRUE(doc);
  EXPECT_EQ(common::GetString(*doc, "subject"), holder_.did);
  EXPECT_EQ(common::GetString(*doc, "state"), "st-1");
  const auto& item = (*doc)["verifiedCredentialsData"][0];
  EXPECT_EQ(common::GetString(item, "issuer"), authority());
  EXPECT_TRUE(item["claims"]["realName"].IsString());
  EXPECT_EQ(std::string(item["claims"]["realName"].GetString()), "Megan Bowen");
  EXPECT_EQ(std::string(item["credentialState"]["revocationStatus"].GetString()), "VALID");
  EXPECT_FALSE(doc->HasMember("receipt"));
}

TEST_P(FlowTest, RequestRetrievedOnceAndReceiptWhenAsked) {
  const std::string vc = Issue();
  const std::string link =
      Create("Presentation", PresentationBody("", R"(,"includeReceipt":true)"));
  const std::string uri = *credentials::RequestUriFromLink(link);
  ASSERT_EQ(common::Get(http_, uri)->status, 200);
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, link).ok());
  Deliver();
  // Once each; each request's events in order (the outbox orders per request,
  // not across requests).
  const std::vector<std::string> delivered = receiver_.Delivered();
  const std::vector<std::string> expected = {"request_retrieved", "issuance_successful",
                                             "request_retrieved", "presentation_verified"};
  ASSERT_TRUE(
      std::is_permutation(delivered.begin(), delivered.end(), expected.begin(), expected.end()))
      << ::testing::PrintToString(delivered);
  EXPECT_EQ(delivered.front(), "request_retrieved");
  EXPECT_EQ(delivered.back(), "presentation_verified");
  auto doc = common::ParseJsonObject(LastBody());
  EXPECT_TRUE(doc->HasMember("receipt"));
}

TEST_P(FlowTest, PinRightWrongAndAttemptsLimited) {
  const std::string pin = R"(,"pin":{"value":"4821","length":4})";
  EXPECT_FALSE(Issue(pin, "4821").empty());

  const std::string link = Create("Issuance", IssuanceBody(pin));
  auto missing = wallet_.Accept(holder_, link, "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "pin");
  auto wrong = wallet_.Accept(holder_, link, "0000");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("invalidPin"), std::string::npos) << wrong.error().message;
  EXPECT_FALSE(wallet_.Accept(holder_, link, "0001"));
  auto third = wallet_.Accept(holder_, link, "0002");
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("pinAttemptsExceeded"), std::string::npos)
      << third.error().message;
  auto right_too_late = wallet_.Accept(holder_, link, "4821");
  EXPECT_FALSE(right_too_late);
  Deliver();
  auto doc = common::ParseJsonObject(LastBody());
  EXPECT_EQ(common::GetString(*doc, "requestStatus"), "issuance_error");
  EXPECT_EQ(common::GetString((*doc)["error"], "message"), "pin_attempts_exceeded");
}

TEST_P(FlowTest, HashedPin) {
  const std::string hash = credentials::PinHash("090c8ff31bf248f8894b58ec88587c80", "9068");
  EXPECT_EQ(hash, "SCcUhz518lqfqmQPVJHUWZ9Olq5UyFO/gPbcNiowq3M=");  // spec §7.5 vector
  const std::string pin =
      R"(,"pin":{"value":")" + hash +
      R"(","length":4,"salt":"090c8ff31bf248f8894b58ec88587c80","alg":"sha256","iterations":1})";
  EXPECT_FALSE(Issue(pin, "9068").empty());
}

TEST_P(FlowTest, ExpiredRequestAnswers410WithEnvelopeAndNoCallback) {
  const std::string link = Create("Issuance", IssuanceBody());
  clock_.Advance(301);
  auto r = common::Get(http_, *credentials::RequestUriFromLink(link));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  auto doc = common::ParseJsonObject(r->body);
  EXPECT_EQ(common::GetString((*doc)["error"], "code"), "gone");
  EXPECT_EQ(common::GetString((*doc)["error"]["innererror"], "code"), "requestExpired");
  EXPECT_TRUE(doc->HasMember("mscv"));
  Deliver();
  EXPECT_TRUE(receiver_.received().empty());
}

TEST_P(FlowTest, ReplayedPresentationIsRefusedAndSendsNoSecondTerminalEvent) {
  const std::string vc = Issue();
  const std::string link = Create("Presentation", PresentationBody());
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, link).ok());
  auto again = wallet_.Present(holder_, {vc}, link);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("409"), std::string::npos) << again.error().message;
  Deliver();
  EXPECT_EQ(receiver_.Delivered().back(), "presentation_verified");
  EXPECT_EQ(receiver_.Delivered().size(), 4u);
}

TEST_P(FlowTest, NonceOfAnotherRequestIsRefused) {
  const std::string vc = Issue();
  const std::string a =
      *credentials::RequestUriFromLink(Create("Presentation", PresentationBody()));
  const std::string b =
      *credentials::RequestUriFromLink(Create("Presentation", PresentationBody()));
  auto ra = common::ParseJsonObject(*common::Base64UrlDecode(common::Get(http_, a)->body.substr(
      common::Get(http_, a)->body.find('.') + 1,
      common::Get(http_, a)->body.rfind('.') - common::Get(http_, a)->body.find('.') - 1)));
  auto rb_jws = common::Get(http_, b)->body;
  auto rb = common::ParseJsonObject(*common::Base64UrlDecode(
      rb_jws.substr(rb_jws.find('.') + 1, rb_jws.rfind('.') - rb_jws.find('.') - 1)));
  credentials::PresentationAnswer ans{authority(), std::string(*common::GetString(*ra, "nonce")),
                                      "d",         {"VerifiedIdentity"},
                                      {vc},        clock_.NowSeconds()};
  auto r = common::PostForm(http_, base_ + "/v1.0/verifiableCredentials/verifyPresentation",
                            {{"id_token", *credentials::MakeSiopIdToken(holder_, ans)},
                             {"vp_token", *credentials::MakeVpJwt(holder_, ans)},
                             {"state", std::string(*common::GetString(*rb, "state"))}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("nonce_mismatch"), std::string::npos) << r->body;
  Deliver();
  auto doc = common::ParseJsonObject(LastBody());
  EXPECT_EQ(common::GetString(*doc, "requestStatus"), "presentation_error");
  EXPECT_EQ(common::GetString((*doc)["error"], "code"), "nonce_mismatch");
}

TEST_P(FlowTest, RevokedWithAndWithoutAllowRevoked) {
  const std::string vc = Issue();
  auto token = common::ParseCompact(vc, 65536);
  auto payload = common::ParseJsonObject(token->payload);
  const std::string jti(*common::GetString(*payload, "jti"));
  // A Request Service token is for another resource: revocation is the Admin API's.
  EXPECT_EQ(
      Post("/v1.0/verifiableCredentials/credentials/" + jti + "/revoke", "{}", Token())->status,
      401);
  EXPECT_EQ(Post("/v1.0/verifiableCredentials/credentials/" + jti + "/revoke", "{}", Token("admin"))
                ->status,
            204);

  auto refused = wallet_.Present(holder_, {vc}, Create("Presentation", PresentationBody()));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("revoked"), std::string::npos) << refused.error().message;

  const std::string allow = R"(,"configuration":{"validation":{"allowRevoked":true}})";
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, Create("Presentation", PresentationBody(allow))).ok());
  Deliver();
  auto doc = common::ParseJsonObject(LastBody());
  EXPECT_EQ(
      std::string(
          (*doc)["verifiedCredentialsData"][0]["credentialState"]["revocationStatus"].GetString()),
      "REVOKED");
}

TEST_P(FlowTest, PublishedStatusListMarksTheRevokedIndex) {
  const std::string vc = Issue();
  auto v = credentials::VerifyVcJwt(vc, resolver_, clock_.NowSeconds());
  ASSERT_TRUE(v && v->status);
  EXPECT_EQ(*status_.IsRevoked(authority(), *v->status), false);
  auto by_claim = Post("/v1.0/verifiableCredentials/contracts/VerifiedIdentity/credentials/revoke",
                       R"({"claimValue":"X123"})", Token("admin"));
  EXPECT_EQ(by_claim->status, 204);
  // Over HTTP with the production checker, as any other verifier would.
  EXPECT_EQ(*status_.IsRevoked(authority(), *v->status), true);
  EXPECT_EQ(Post("/v1.0/verifiableCredentials/contracts/VerifiedIdentity/credentials/revoke",
                 R"({"claimValue":"nobody"})", Token("admin"))
                ->status,
            404);
}

// The status list credential as VCDM 1.1 and the Bitstring Status List say:
// the status context declared, credentialSubject.id equal to sub (and jti).
TEST_P(FlowTest, StatusListCredentialDeclaresItsContextAndSubject) {
  auto v = credentials::VerifyVcJwt(Issue(), resolver_, clock_.NowSeconds());
  ASSERT_TRUE(v && v->status);
  auto list = common::Get(http_, v->status->list_url);
  ASSERT_TRUE(list && list->status == 200);
  auto verified = credentials::VerifyVcJwt(list->body, resolver_, clock_.NowSeconds());
  ASSERT_TRUE(verified) << verified.error().message;
  auto payload = common::ParseJsonObject(common::ParseCompact(list->body, 65536)->payload);
  const auto& vc = (*payload)["vc"];
  EXPECT_EQ(
      common::ToJson(vc["@context"]),
      R"(["https://www.w3.org/2018/credentials/v1","https://www.w3.org/ns/credentials/status/v1"])");
  EXPECT_EQ(common::GetString(*payload, "sub"), v->status->list_url);
  EXPECT_EQ(common::GetString(vc["credentialSubject"], "id"), v->status->list_url);
  EXPECT_EQ(common::GetString(*payload, "jti"), v->status->list_url);
}

// Revocations racing each other (each credential revoked twice, from two
// threads) leave one consistent list: every revoked index set, nothing else.
TEST_P(FlowTest, ConcurrentRevocationsGiveAConsistentStatusList) {
  constexpr int kCredentials = 8;
  std::vector<std::string> jtis;
  std::vector<credentials::StatusEntry> entries;
  for (int i = 0; i <= kCredentials; ++i) {  // the last one stays valid
    const std::string vc = Issue();
    auto v = credentials::VerifyVcJwt(vc, resolver_, clock_.NowSeconds());
    ASSERT_TRUE(v && v->status);
    entries.push_back(*v->status);
    auto payload = common::ParseJsonObject(common::ParseCompact(vc, 65536)->payload);
    jtis.emplace_back(*common::GetString(*payload, "jti"));
  }
  std::set<int64_t> indices;
  for (const auto& e : entries) indices.insert(e.index);
  ASSERT_EQ(indices.size(), entries.size());
  const std::string admin = Token("admin");
  std::atomic<int> revoked{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2 * kCredentials; ++t) {
    threads.emplace_back([&, t] {
      const std::string& jti = jtis[t % kCredentials];
      auto r = Post("/v1.0/verifiableCredentials/credentials/" + jti + "/revoke", "{}", admin);
      (r && r->status == 204 ? revoked : failed)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(revoked.load(), 2 * kCredentials);  // revoking twice is not an error
  EXPECT_EQ(failed.load(), 0);
  for (int i = 0; i < kCredentials; ++i) {
    auto r = status_.IsRevoked(authority(), entries[i]);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(*r) << "credential " << i;
  }
  EXPECT_FALSE(*status_.IsRevoked(authority(), entries[kCredentials]));
}

// (The HTTP checker itself is exercised in ApiTest.DidDocumentAndConfigurationAreServed.)
TEST_P(FlowTest, LinkedDomainReportedInTheCallback) {
  const std::string vc = Issue();
  const std::string lds = R"(,"configuration":{"validation":{"validateLinkedDomain":true}})";
  ASSERT_TRUE(wallet_.Present(holder_, {vc}, Create("Presentation", PresentationBody(lds))).ok());
  Deliver();
  auto doc = common::ParseJsonObject(LastBody());
  EXPECT_EQ(
      std::string((*doc)["verifiedCredentialsData"][0]["domainValidation"]["url"].GetString()),
      base_ + "/");
}

TEST_P(FlowTest, IssuerNotAcceptedFailsThePresentation) {
  const std::string vc = Issue();
  std::string body = PresentationBody();
  body.replace(body.find(R"("acceptedIssuers":[")") + 20, authority().size(),
               "did:web:other.example");
  auto r = wallet_.Present(holder_, {vc}, Create("Presentation", body));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("issuer_not_accepted"), std::string::npos) << r.error().message;
}

TEST_P(FlowTest, RotatedKeysStillVerifyEarlierCredentials) {
  const std::string vc = Issue();
  ASSERT_TRUE(keys_.Rotate("request-service"));
  credentials::DidResolver fresh(http_, clock_, {"http", 0});
  fresh.AddLocal("unused", [] { return std::string(); });
  EXPECT_TRUE(credentials::VerifyVcJwt(vc, fresh, clock_.NowSeconds()));
  EXPECT_FALSE(Issue().empty());
}

TEST_P(FlowTest, CallbacksRetryOn5xxInOrderUntilDelivered) {
  receiver_.AnswerNext(503);
  Issue();
  Deliver();  // request_retrieved answered 503; issuance_successful must wait behind it
  EXPECT_EQ(receiver_.received().size(), 1u);
  Deliver();  // not due yet (1 s backoff)
  EXPECT_EQ(receiver_.received().size(), 1u);
  clock_.Advance(1);
  Deliver();
  EXPECT_EQ(receiver_.Delivered(),
            (std::vector<std::string>{"request_retrieved", "issuance_successful"}));
  // Each event carries an Idempotency-Key naming it, the same on its redelivery.
  auto got = receiver_.received();
  ASSERT_EQ(got.size(), 3u);
  auto request_id = common::ParseJsonObject(got[0].body);
  const std::string id(common::GetString(*request_id, "requestId").value_or(""));
  EXPECT_EQ(got[0].Header("idempotency-key"), id + ":request_retrieved");
  EXPECT_EQ(got[1].Header("idempotency-key"), id + ":request_retrieved");
  EXPECT_EQ(got[2].Header("idempotency-key"), id + ":issuance_successful");

  // No attempt count ends the retries: only the retry period (60 s here).
  for (int i = 0; i < 3; ++i) receiver_.AnswerNext(500);
  Create("Issuance", IssuanceBody());
  const std::string link = Create("Issuance", IssuanceBody());
  ASSERT_EQ(common::Get(http_, *credentials::RequestUriFromLink(link))->status, 200);
  for (int i = 0; i < 5; ++i) {
    Deliver();
    clock_.Advance(10);
  }
  // 503 + its retry + issuance_successful, then the new event refused 3 times and delivered.
  EXPECT_EQ(receiver_.received().size(), 7u);
  EXPECT_EQ(receiver_.Delivered().back(), "request_retrieved");
  EXPECT_EQ(*outbox_.Pending(), 0);
}

// A receiver down for 5 minutes gets every event once it is back (the
// default retry period is 24 h), each with its stable Idempotency-Key.
TEST_P(FlowTest, AReceiverDownForFiveMinutesGetsEveryTerminalEventAfterwards) {
  request_service::CallbackOutbox outbox(*db_, http_, clock_);  // default options
  receiver_.SetDown(true);
  for (int i = 0; i < 3; ++i) ASSERT_FALSE(Issue().empty());
  for (int second = 0; second <= 300; second += 5) {
    ASSERT_TRUE(outbox.DeliverDue());
    clock_.Advance(5);
  }
  EXPECT_TRUE(receiver_.Delivered().empty());
  EXPECT_EQ(*outbox.Pending(), 6);
  receiver_.SetDown(false);
  for (int i = 0; i < 120 && *outbox.Pending() > 0; ++i) {
    clock_.Advance(5);
    ASSERT_TRUE(outbox.DeliverDue());
  }
  EXPECT_EQ(*outbox.Pending(), 0);
  std::multiset<std::string> statuses;
  for (const auto& s : receiver_.Delivered()) statuses.insert(s);
  EXPECT_EQ(statuses.count("issuance_successful"), 3u);
  EXPECT_EQ(statuses.count("request_retrieved"), 3u);
  // Every attempt, refused or not, carried the key of its event.
  for (const auto& r : receiver_.received()) {
    auto doc = common::ParseJsonObject(r.body);
    ASSERT_TRUE(doc);
    EXPECT_EQ(
        r.Header("idempotency-key"),
        std::string(common::GetString(*doc, "requestId").value_or("")) + ":" + r.request_status);
  }
  EXPECT_GE(receiver_.received().size(), 3u * 6 + 6);  // retried all along
}

TEST_P(FlowTest, A4xxCallbackAnswerIsNotRetried) {
  receiver_.AnswerNext(400);
  const std::string link = Create("Issuance", IssuanceBody());
  ASSERT_EQ(common::Get(http_, *credentials::RequestUriFromLink(link))->status, 200);
  Deliver();
  clock_.Advance(60);
  Deliver();
  EXPECT_EQ(receiver_.received().size(), 1u);
  EXPECT_EQ(*outbox_.Pending(), 0);
  // Kept as a dead letter for the operator (vcctl outbox).
  auto dead = common::outbox_store::List(*db_, "rs_outbox", common::OutboxState::kDead, 10);
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].outcome, "400");
}

TEST_P(FlowTest, UnreachableCallbackIsRetriedForTheRetryPeriodThenDeadLettered) {
  std::string body = IssuanceBody();
  body.replace(body.find(receiver_.url()), receiver_.url().size(), "http://127.0.0.1:1/cb");
  const std::string link = Create("Issuance", body);
  ASSERT_EQ(common::Get(http_, *credentials::RequestUriFromLink(link))->status, 200);
  for (int i = 0; i < 5; ++i) {
    Deliver();
    clock_.Advance(10);
  }
  EXPECT_EQ(*outbox_.Pending(), 1);  // 50 s: still retried
  for (int i = 0; i < 3; ++i) {
    Deliver();
    clock_.Advance(10);
  }
  EXPECT_EQ(*outbox_.Pending(), 0);
  auto dead = common::outbox_store::List(*db_, "rs_outbox", common::OutboxState::kDead, 10);
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->size(), 1u);
}

TEST_P(FlowTest, WalletReportsIssuanceFailureAsIssuanceError) {
  const std::string link = Create("Issuance", IssuanceBody());
  auto req = common::Get(http_, *credentials::RequestUriFromLink(link));
  auto payload = common::ParseJsonObject(*common::Base64UrlDecode(
      req->body.substr(req->body.find('.') + 1, req->body.rfind('.') - req->body.find('.') - 1)));
  const std::string state(*common::GetString(*payload, "state"));
  auto r = common::PostJson(
      http_, base_ + "/v1.0/verifiableCredentials/completeIssuance",
      R"({"code":"issuance_failed","state":")" + state + R"(","details":"user_canceled"})");
  EXPECT_EQ(r->status, 202);
  auto early = common::PostJson(http_, base_ + "/v1.0/verifiableCredentials/completeIssuance",
                                R"({"code":"issuance_successful","state":")" + state + R"("})");
  EXPECT_EQ(early->status, 400);  // nothing was issued
  Deliver();
  EXPECT_EQ(receiver_.Delivered(),
            (std::vector<std::string>{"request_retrieved", "issuance_error"}));
  auto doc = common::ParseJsonObject(LastBody());
  EXPECT_EQ(common::GetString((*doc)["error"], "code"), "IssuanceFlowFailed");
  EXPECT_EQ(common::GetString((*doc)["error"], "message"), "user_canceled");
}

VC_INSTANTIATE_BACKENDS(FlowTest);

}  // namespace
}  // namespace vc::testing
