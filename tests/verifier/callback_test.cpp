// POST /api/verifier/callback with every documented body (spec §5.3), forged and
// replayed ones included: the api-key, unknown states and statuses, idempotency,
// vp_token as a string or an array, FaceCheck, the receipt re-check, the webhook.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/base/base64url.h"
#include "verifier/fixture.h"

namespace vc::testing {
namespace {

class VerifierCallbackTest : public VerifierFixture {
 protected:
  // A request row as if created through the Request Service, for `policy_json`.
  std::string Seed(const std::string& policy_json, const std::string& state) {
    verifier::PresentationStore store(*db_);
    verifier::StoredPresentation row;
    row.id = "req-" + state;
    row.org = "contoso";
    row.policy = policy_json;
    row.state = state;
    row.created = clock_.NowSeconds();
    EXPECT_TRUE(store.Insert(row).ok());
    EXPECT_TRUE(store
                    .SetCreated(row.id, "rs-" + state, "openid-vc://?request_uri=x",
                                clock_.NowSeconds() + 300)
                    .ok());
    return row.id;
  }
  std::string Item(const std::string& issuer, const std::string& extra = "") {
    return R"({"issuer":")" + issuer +
           R"(","type":["VerifiableCredential","VerifiedIdentity"],)"
           R"("claims":{"realName":"Megan Bowen"},"credentialState":{"revocationStatus":"VALID"},)"
           R"("issuanceDate":")" +
           credentials::IsoTime(clock_.NowSeconds() - 60) + R"(","expirationDate":")" +
           credentials::IsoTime(clock_.NowSeconds() + 3600) + "\"" + extra + "}";
  }
  std::string Verified(const std::string& state, const std::string& item,
                       const std::string& extra = "") {
    return R"({"requestId":"rs-)" + state +
           R"(","requestStatus":"presentation_verified","state":")" + state + R"(","subject":")" +
           holder_.did + R"(","verifiedCredentialsData":[)" + item + "]" + extra + "}";
  }
  // A receipt as the Request Service would attach it: the holder's id_token and VP.
  std::string Receipt(const std::vector<std::string>& vcs, bool array,
                      const std::string& nonce = "n-1") {
    credentials::PresentationAnswer a{authority(),          nonce, "d",
                                      {"VerifiedIdentity"}, vcs,   clock_.NowSeconds()};
    const std::string vp = *credentials::MakeVpJwt(holder_, a);
    return R"(,"receipt":{"id_token":")" + *credentials::MakeSiopIdToken(holder_, a) +
           R"(","vp_token":)" + (array ? "[\"" + vp + "\"]" : "\"" + vp + "\"") + "}";
  }
  std::string ReceiptPolicy() {
    return R"({"id":"r","includeReceipt":true,"requestedCredentials":[{"type":"VerifiedIdentity",)"
           R"("acceptedIssuers":[")" +
           authority() + R"("]}]})";
  }
  std::string PlainPolicy() {
    return R"({"id":"p","requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":[")" +
           authority() + R"("]}]})";
  }
};

TEST_P(VerifierCallbackTest, ApiKeyWrongOrMissingIs401AndChangesNothing) {
  const std::string id = Seed(PlainPolicy(), "s1");
  const std::string body = Verified("s1", Item(authority()));
  EXPECT_EQ(Callback(body, "wrong")->status, 401);
  EXPECT_EQ(Callback(body, "")->status, 401);
  EXPECT_EQ(StatusOf(id), "request_created");
  EXPECT_EQ(Callback(body)->status, 200);
  EXPECT_EQ(StatusOf(id), "presentation_verified");
}

TEST_P(VerifierCallbackTest, UnknownStateAndStatusAre2xxAndChangeNothing) {
  const std::string id = Seed(PlainPolicy(), "s1");
  EXPECT_EQ(Callback(Verified("nobody", Item(authority())))->status, 200);
  EXPECT_EQ(
      Callback(R"({"requestId":"rs-s1","requestStatus":"selfie_taken","state":"s1"})")->status,
      200);
  EXPECT_EQ(Callback(R"({"requestId":"rs-s1","requestStatus":"issuance_successful","state":"s1"})")
                ->status,
            200);
  EXPECT_EQ(Callback(R"({"requestStatus":"presentation_verified"})")->status, 200);
  EXPECT_EQ(
      Callback(R"({"requestId":"other","requestStatus":"request_retrieved","state":"s1"})")->status,
      200);
  EXPECT_EQ(StatusOf(id), "request_created");
  EXPECT_EQ(Callback("not json")->status, 400);
  // The legacy "code" field is read when requestStatus is absent.
  EXPECT_EQ(Callback(R"({"requestId":"rs-s1","code":"request_retrieved","state":"s1"})")->status,
            200);
  EXPECT_EQ(StatusOf(id), "request_retrieved");
}

TEST_P(VerifierCallbackTest, ASecondTerminalEventDoesNotChangeTheFirst) {
  const std::string id = Seed(PlainPolicy(), "s1");
  ASSERT_EQ(Callback(Verified("s1", Item(authority())))->status, 200);
  const std::string error =
      R"({"requestId":"rs-s1","requestStatus":"presentation_error","state":"s1",)"
      R"("error":{"code":"claimValidationError","message":"late"}})";
  EXPECT_EQ(Callback(error)->status, 200);
  EXPECT_EQ(
      Callback(R"({"requestId":"rs-s1","requestStatus":"request_retrieved","state":"s1"})")->status,
      200);
  EXPECT_EQ(StatusOf(id), "presentation_verified");

  const std::string failed = Seed(PlainPolicy(), "s2");
  std::string e2 = error;
  e2.replace(e2.find("rs-s1"), 5, "rs-s2").replace(e2.find("\"s1\""), 4, "\"s2\"");
  ASSERT_EQ(Callback(e2)->status, 200);
  EXPECT_EQ(Callback(Verified("s2", Item(authority())))->status, 200);
  EXPECT_EQ(ErrorCodeOf(failed), "claimValidationError");
}

TEST_P(VerifierCallbackTest, ReceiptWithVpTokenStringOrArrayIsReverified) {
  const std::string vc = IssueVc();
  const std::string a = Seed(ReceiptPolicy(), "s1");
  const std::string b = Seed(ReceiptPolicy(), "s2");
  ASSERT_EQ(Callback(Verified("s1", Item(authority()), Receipt({vc}, false, "n-1")))->status, 200);
  ASSERT_EQ(Callback(Verified("s2", Item(authority()), Receipt({vc}, true, "n-2")))->status, 200);
  EXPECT_EQ(StatusOf(a), "presentation_verified");
  EXPECT_EQ(StatusOf(b), "presentation_verified");
}

TEST_P(VerifierCallbackTest, ForgedOrReplayedReceiptsAreFailures) {
  const std::string vc = IssueVc();
  const size_t dot1 = vc.find('.'), dot2 = vc.rfind('.');
  std::string payload = *common::Base64UrlDecode(vc.substr(dot1 + 1, dot2 - dot1 - 1));
  payload.replace(payload.find("Megan Bowen"), 11, "Eve Mallory");
  const std::string tampered =
      vc.substr(0, dot1 + 1) + common::Base64UrlEncode(payload) + vc.substr(dot2);

  const std::string forged = Seed(ReceiptPolicy(), "s1");
  ASSERT_EQ(Callback(Verified("s1", Item(authority()), Receipt({tampered}, false)))->status, 200);
  EXPECT_EQ(ErrorCodeOf(forged), "invalid_signature");

  const std::string missing = Seed(ReceiptPolicy(), "s2");
  ASSERT_EQ(Callback(Verified("s2", Item(authority())))->status, 200);
  EXPECT_EQ(ErrorCodeOf(missing), "receipt_missing");

  const std::string first = Seed(ReceiptPolicy(), "s3");
  const std::string replayed = Seed(ReceiptPolicy(), "s4");
  const std::string receipt = Receipt({vc}, false, "same-nonce");
  ASSERT_EQ(Callback(Verified("s3", Item(authority()), receipt))->status, 200);
  ASSERT_EQ(Callback(Verified("s4", Item(authority()), receipt))->status, 200);
  EXPECT_EQ(StatusOf(first), "presentation_verified");
  EXPECT_EQ(ErrorCodeOf(replayed), "nonce_replay");
}

TEST_P(VerifierCallbackTest, StatusEntriesWeCannotReadUseTheReportedStatus) {
  // Entra's status entries point at DID URLs, not http(s) status list credentials.
  const int64_t now = clock_.NowSeconds();
  const std::string vc =
      SignVc(now - 60, now + 3600, credentials::StatusEntry{"did:web:status.example?service=x", 5});
  const std::string valid = Seed(ReceiptPolicy(), "s1");
  ASSERT_EQ(Callback(Verified("s1", Item(authority()), Receipt({vc}, false, "n-1")))->status, 200);
  EXPECT_EQ(StatusOf(valid), "presentation_verified");

  std::string allow = ReceiptPolicy();
  allow.replace(allow.find("]}]}"), 4,
                R"(],"configuration":{"validation":{"allowRevoked":true}}}]})");
  const std::string revoked = Seed(allow, "s2");
  std::string item = Item(authority());
  item.replace(item.find("VALID"), 5, "REVOKED");
  ASSERT_EQ(Callback(Verified("s2", item, Receipt({vc}, false, "n-2")))->status, 200);
  auto doc = Result(revoked);
  ASSERT_EQ(common::GetString(doc, "status"), "presentation_verified") << common::ToJson(doc);
  EXPECT_EQ(common::GetString(doc["credentials"][0], "revocationStatus"), "REVOKED");
}

TEST_P(VerifierCallbackTest, ReportedCredentialsAreCheckedAgainstThePolicy) {
  const std::string issuer = Seed(PlainPolicy(), "s1");
  ASSERT_EQ(Callback(Verified("s1", Item("did:web:evil.example")))->status, 200);
  EXPECT_EQ(ErrorCodeOf(issuer), "issuer_not_accepted");

  const std::string type = Seed(PlainPolicy(), "s2");
  std::string other = Item(authority());
  other.replace(other.find("\"VerifiedIdentity\""), 18, "\"EmployeeBadge\"");
  ASSERT_EQ(Callback(Verified("s2", other))->status, 200);
  EXPECT_EQ(ErrorCodeOf(type), "type_mismatch");

  const std::string revoked = Seed(PlainPolicy(), "s3");
  std::string r = Item(authority());
  r.replace(r.find("VALID"), 5, "REVOKED");
  ASSERT_EQ(Callback(Verified("s3", r))->status, 200);
  EXPECT_EQ(ErrorCodeOf(revoked), "revoked");

  const std::string expired = Seed(PlainPolicy(), "s4");
  std::string e = Item(authority());
  e.replace(e.find("expirationDate\":\"") + 17, 20, credentials::IsoTime(clock_.NowSeconds() - 1));
  ASSERT_EQ(Callback(Verified("s4", e))->status, 200);
  EXPECT_EQ(ErrorCodeOf(expired), "expired");

  const std::string malformed = Seed(PlainPolicy(), "s5");
  ASSERT_EQ(Callback(R"({"requestStatus":"presentation_verified","state":"s5"})")->status, 200);
  EXPECT_EQ(ErrorCodeOf(malformed), "malformed_callback");
}

TEST_P(VerifierCallbackTest, FaceCheckScoresAgainstTheThreshold) {
  const std::string policy =
      R"({"id":"f","requestedCredentials":[{"type":"VerifiedIdentity","configuration":)"
      R"({"validation":{"faceCheck":{"sourcePhotoClaimName":"photo","matchConfidenceThreshold":80}}}}]})";
  const std::string pass = Seed(policy, "s1");
  ASSERT_EQ(
      Callback(
          Verified(
              "s1",
              Item(
                  authority(),
                  R"(,"faceCheck":{"matchConfidenceScore":86.314159,"sourcePhotoQuality":"HIGH"})")))
          ->status,
      200);
  auto doc = Result(pass);
  ASSERT_EQ(common::GetString(doc, "status"), "presentation_verified") << common::ToJson(doc);
  EXPECT_DOUBLE_EQ(doc["credentials"][0]["faceCheck"]["matchConfidenceScore"].GetDouble(),
                   86.314159);
  EXPECT_EQ(common::GetString(doc["credentials"][0]["faceCheck"], "sourcePhotoQuality"), "HIGH");

  const std::string low = Seed(policy, "s2");
  ASSERT_EQ(
      Callback(Verified("s2", Item(authority(), R"(,"faceCheck":{"matchConfidenceScore":60.5})")))
          ->status,
      200);
  EXPECT_EQ(ErrorCodeOf(low), "face_check_failed");

  const std::string refused = Seed(policy, "s3");
  ASSERT_EQ(
      Callback(
          R"({"requestId":"rs-s3","requestStatus":"presentation_error","state":"s3","error":)"
          R"({"code":"claimValidationError","message":"Match confidence score failing to meet the threshold."}})")
          ->status,
      200);
  EXPECT_EQ(ErrorCodeOf(refused), "claimValidationError");
}

TEST_P(VerifierCallbackTest, WebhookIsSignedRetriedAndSentOnce) {
  const std::string id = Seed(PlainPolicy(), "s1");
  hooks_.AnswerNext(503);
  ASSERT_EQ(Callback(Verified("s1", Item(authority())))->status, 200);
  ASSERT_EQ(Callback(Verified("s1", Item(authority())))->status,
            200);  // duplicate: no second webhook
  DeliverWebhooks();
  ASSERT_EQ(hooks_.received().size(), 1u);
  DeliverWebhooks();  // not due before the 1 s backoff
  EXPECT_EQ(hooks_.received().size(), 1u);
  clock_.Advance(1);
  DeliverWebhooks();
  auto got = hooks_.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].body, got[0].body);
  EXPECT_EQ(got[1].Header("x-signature"),
            "sha256=" + common::HexEncode(common::HmacSha256(kWebhookSecret, got[1].body)));
  EXPECT_EQ(got[1].Header("idempotency-key"), id + ":presentation_verified");
  EXPECT_EQ(got[0].Header("idempotency-key"), got[1].Header("idempotency-key"));
  auto doc = common::ParseJsonObject(got[1].body);
  EXPECT_EQ(common::GetString(*doc, "status"), "presentation_verified");
  EXPECT_EQ(common::GetString(*doc, "id"), id);
  EXPECT_EQ(*webhooks_.Pending(), 0);
  clock_.Advance(60);
  DeliverWebhooks();
  EXPECT_EQ(hooks_.received().size(), 2u);
}

// 32 threads post conflicting callbacks for one request at once, over HTTP:
// presentation_verified, presentation_error, duplicates of both and a late
// request_retrieved. All are answered 200 {}; one terminal state is recorded,
// never overwritten by a second wave, and exactly one webhook is queued and sent,
// carrying the status that won.
TEST_P(VerifierCallbackTest, ConcurrentConflictingCallbacksRecordOneTerminalAndOneWebhook) {
  constexpr int kThreads = 32;
  const std::string id = Seed(PlainPolicy(), "s1");
  const std::string verified = Verified("s1", Item(authority()));
  auto body = [&](int i) -> std::string {
    if (i % 3 == 0) return verified;
    if (i % 3 == 1) {
      return R"({"requestId":"rs-s1","requestStatus":"presentation_error","state":"s1",)"
             R"("error":{"code":"e)" +
             std::to_string(i) + R"(","message":"m"}})";
    }
    return R"({"requestId":"rs-s1","requestStatus":"request_retrieved","state":"s1"})";
  };
  auto race = [&] {
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        common::CurlHttpClient http;
        const std::string b = body(i);
        ready.fetch_add(1);
        while (ready.load() < kThreads) std::this_thread::yield();
        auto r = common::PostJson(http, vbase_ + "/api/verifier/callback", b,
                                  {{"api-key", "verifier-cb-secret"}});
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->body, "{}");
      });
    }
    for (auto& t : threads) t.join();
  };
  race();
  const std::string won = StatusOf(id);
  ASSERT_TRUE(won == "presentation_verified" || won == "presentation_error") << won;
  const std::string code = ErrorCodeOf(id);
  EXPECT_EQ(*webhooks_.Pending(), 1);
  race();
  EXPECT_EQ(StatusOf(id), won);
  EXPECT_EQ(ErrorCodeOf(id), code);
  EXPECT_EQ(*webhooks_.Pending(), 1);
  DeliverWebhooks();
  auto got = hooks_.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].Header("idempotency-key"), id + ":" + won);
  auto doc = common::ParseJsonObject(got[0].body);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(common::GetString(*doc, "status"), won);
}

// The re-check of a receipt resolves DIDs and reads status lists on the
// blocking pool, while the callback itself waits on no thread: 32 receipts
// at once, two for each of 16 requests (the same receipt twice), are all
// answered 200 {}; every request ends verified once, with one webhook.
TEST_P(VerifierCallbackTest, ConcurrentReceiptsAreReverifiedAndRecordedOnce) {
  constexpr int kRequests = 16, kThreads = 2 * kRequests;
  const std::string vc = IssueVc();
  std::vector<std::string> ids, bodies;
  for (int i = 0; i < kRequests; ++i) {
    const std::string state = "c" + std::to_string(i);
    ids.push_back(Seed(ReceiptPolicy(), state));
    bodies.push_back(Verified(state, Item(authority()), Receipt({vc}, i % 2 == 0, "n-" + state)));
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      common::CurlHttpClient http;
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      auto r = common::PostJson(http, vbase_ + "/api/verifier/callback", bodies[i % kRequests],
                                {{"api-key", "verifier-cb-secret"}});
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, "{}");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& id : ids) EXPECT_EQ(StatusOf(id), "presentation_verified") << ErrorCodeOf(id);
  EXPECT_EQ(*webhooks_.Pending(), kRequests);
}

VC_INSTANTIATE_BACKENDS(VerifierCallbackTest);

}  // namespace
}  // namespace vc::testing
