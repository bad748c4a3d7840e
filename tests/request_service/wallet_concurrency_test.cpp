// The wallet endpoints that run as coroutines (request objects, completeIssuance)
// hit at once over HTTP: every caller gets its answer, and the one-time effects
// (request_retrieved, the terminal event) happen exactly once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "common/base/json.h"
#include "common/jose/jws.h"
#include "credentials/holder.h"
#include "credentials/wallet_client.h"
#include "request_service/fixture.h"

namespace vc::testing {
namespace {

class ConcurrentWalletEndpoints : public RequestServiceFixture {
 protected:
  static constexpr int kCallers = 16;

  // Runs `call` on kCallers threads released together; the statuses they got.
  template <typename F>
  std::vector<int> AtOnce(F call) {
    std::vector<int> statuses(kCallers, 0);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kCallers; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < kCallers) std::this_thread::yield();
        statuses[i] = call();
      });
    }
    for (auto& t : threads) t.join();
    return statuses;
  }

  // A string claim of the request object `jwt` ("" when absent).
  static std::string Claim(const std::string& jwt, const char* name) {
    auto token = common::ParseCompact(jwt);
    if (!token) return "";
    auto payload = common::ParseJsonObject(token->payload);
    if (!payload) return "";
    return std::string(common::GetString(*payload, name).value_or(""));
  }
  // The request object's "state": what the wallet reports its completion with.
  static std::string WalletState(const std::string& jwt) { return Claim(jwt, "state"); }

  // The signed request object behind the deep link `link`.
  std::string RequestObject(const std::string& link) {
    auto object = common::Get(http_, *credentials::RequestUriFromLink(link));
    EXPECT_TRUE(object && object->status == 200);
    return object ? object->body : "";
  }

  int Count(const std::vector<std::string>& events, const std::string& name) {
    return static_cast<int>(std::count(events.begin(), events.end(), name));
  }
};

TEST_P(ConcurrentWalletEndpoints, ARequestObjectFetchedAtOnceIsRetrievedOnce) {
  const std::string uri = *credentials::RequestUriFromLink(Create("Issuance", IssuanceBody()));
  const auto statuses = AtOnce([&] {
    auto r = common::Get(http_, uri);
    return r && r->Header("content-type") == "application/jwt" && !r->body.empty() ? r->status : -1;
  });
  for (int s : statuses) EXPECT_EQ(s, 200);
  Deliver();
  EXPECT_EQ(Count(receiver_.Delivered(), "request_retrieved"), 1);
}

TEST_P(ConcurrentWalletEndpoints, CompletionsAtOnceEndTheRequestOnce) {
  const std::string link = Create("Issuance", IssuanceBody());
  const std::string uri = *credentials::RequestUriFromLink(link);
  auto object = common::Get(http_, uri);
  ASSERT_TRUE(object && object->status == 200);
  const std::string state = WalletState(object->body);
  ASSERT_FALSE(state.empty());
  const std::string url = base_ + "/v1.0/verifiableCredentials/completeIssuance";
  const std::string body =
      R"({"code":"issuance_failed","state":")" + state + R"(","details":"user_canceled"})";
  const auto statuses = AtOnce([&] {
    auto r = common::PostJson(http_, url, body);
    return r ? r->status : -1;
  });
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 202), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kCallers - 1);
  Deliver();
  EXPECT_EQ(Count(receiver_.Delivered(), "issuance_error"), 1);
}

// The proof's id_token_hint and the holder's DID are resolved on the blocking
// pool, the credential committed with its batch: one proof sent at once by
// every caller gets one credential, and the others 409.
TEST_P(ConcurrentWalletEndpoints, OneProofIssuedAtOnceGivesOneCredential) {
  const std::string object = RequestObject(Create("Issuance", IssuanceBody()));
  credentials::IssuanceProof proof{service_->authority().IssueUrl(), manifest(),
                                   Claim(object, "id_token_hint"), "", clock_.NowSeconds()};
  auto jws = credentials::MakeIssuanceProof(holder_, proof);
  ASSERT_TRUE(jws);
  common::HttpRequest post{"POST", proof.credential_issuer, {{"Content-Type", "text/plain"}}, *jws};
  const auto statuses = AtOnce([&] {
    common::CurlHttpClient http;
    auto r = http.Send(post);
    if (!r) return -1;
    auto doc = common::ParseJsonObject(r->body);
    const bool vc = doc && common::GetString(*doc, "vc").has_value();
    const bool refused = r->body.find("requestCompleted") != std::string::npos;
    return (r->status == 200 && vc) || (r->status == 409 && refused) ? static_cast<int>(r->status)
                                                                     : -1;
  });
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kCallers - 1);
}

// The presentation is validated on the blocking pool (DID resolution, our
// status list) and its terminal event committed once: one 200, the rest 409,
// and one presentation_verified callback.
TEST_P(ConcurrentWalletEndpoints, OnePresentationSentAtOnceEndsTheRequestOnce) {
  auto vc = wallet_.Accept(holder_, Create("Issuance", IssuanceBody()), "");
  ASSERT_TRUE(vc) << vc.error().message;
  const std::string object = RequestObject(Create("Presentation", PresentationBody()));
  credentials::PresentationAnswer answer{
      authority(), Claim(object, "nonce"), "d", {"VerifiedIdentity"}, {*vc}, clock_.NowSeconds()};
  const common::NameValueList form{{"id_token", *credentials::MakeSiopIdToken(holder_, answer)},
                                   {"vp_token", *credentials::MakeVpJwt(holder_, answer)},
                                   {"state", Claim(object, "state")}};
  const std::string url = base_ + "/v1.0/verifiableCredentials/verifyPresentation";
  const auto statuses = AtOnce([&] {
    common::CurlHttpClient http;
    auto r = common::PostForm(http, url, form);
    if (!r) return -1;
    const bool ok = r->status == 200 && r->body == "{}";
    const bool refused = r->status == 409 && r->body.find("requestCompleted") != std::string::npos;
    return ok || refused ? static_cast<int>(r->status) : -1;
  });
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), kCallers - 1);
  Deliver();
  EXPECT_EQ(Count(receiver_.Delivered(), "presentation_verified"), 1);
  EXPECT_EQ(Count(receiver_.Delivered(), "presentation_error"), 0);
}

TEST_P(ConcurrentWalletEndpoints, ACompletionOfAnUnknownStateIsRefusedAsBefore) {
  const std::string url = base_ + "/v1.0/verifiableCredentials/completeIssuance";
  auto r = common::PostJson(http_, url, R"({"code":"issuance_failed","state":"nope"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  common::HttpRequest plain{"POST", url, {{"Content-Type", "text/plain"}}, "{}"};
  auto wrong_type = http_.Send(plain);
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
  EXPECT_NE(wrong_type->body.find("unsupportedMediaType"), std::string::npos);
}

VC_INSTANTIATE_BACKENDS(ConcurrentWalletEndpoints);

}  // namespace
}  // namespace vc::testing
