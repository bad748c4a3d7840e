// The proofing routes run on the event loop (issue 15): their storage steps
// commit with their batches and provider calls run on the blocking pool.
// Raced over real HTTP, a provider result is still applied once and audited
// once, and every caller gets a well-formed answer.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include "common/base/crypto.h"
#include "common/http/url.h"
#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

constexpr int kCallers = 32;

class ProofingConcurrencyTest : public IntakeFixture {
 protected:
  std::string Form(const std::string& name) {
    return common::FormUrlEncode(
        {{"realName", name}, {"idCardType", "PRC_ID"}, {"idCardNumber", kPrcId}});
  }
  // An asynchronous sandbox check whose hosted page was completed; its reference.
  std::string HostedCheck(const std::string& id, const std::string& name) {
    auto submitted = Post("/proofing/" + id, Form(name), cookie_, false);
    EXPECT_TRUE(submitted.ok() && submitted->status == 303);
    const std::string hosted(submitted->Header("location").value_or(""));
    EXPECT_EQ(Post(hosted, "", "", false)->status, 303);
    return hosted.substr(std::string("/sandbox-provider/").size());
  }
  // A signed sandbox callback for `ref`, sent at `sent_at`.
  common::HttpRequest Callback(const std::string& ref, int64_t sent_at) {
    const std::string body = R"({"reference":")" + ref + R"(","status":"PROCESSED","sentAt":)" +
                             std::to_string(sent_at) + "}";
    const std::string sig =
        common::HexEncode(common::HmacSha256(*keys_->SecretOrCreate("sandbox-callback"), body));
    return common::HttpRequest{"POST",
                               server_->BaseUrl() + "/callbacks/sandbox",
                               {{"Content-Type", "application/json"}, {"X-Sandbox-Signature", sig}},
                               body};
  }
  // Runs `call(i)` from kCallers threads released together; what each returned.
  static std::vector<int> AtOnce(const std::function<int(int)>& call) {
    std::atomic<int> ready{0};
    std::vector<int> out(kCallers, 0);
    std::vector<std::thread> threads;
    for (int i = 0; i < kCallers; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < kCallers) std::this_thread::yield();
        out[i] = call(i);
      });
    }
    for (auto& t : threads) t.join();
    return out;
  }
  // 200 for {"status":"received"}, -1 for anything else.
  static int Received(const common::Result<common::HttpResponse>& r) {
    return r && r->status == 200 && r->body == R"({"status":"received"})" ? 200 : -1;
  }
  // Audit entries of `action` (with `outcome`, when given).
  int Audited(const std::string& action, const std::string& outcome = "") {
    auto entries = audit_->List(0, 10000);
    EXPECT_TRUE(entries.ok());
    int n = 0;
    for (const auto& e : entries ? *entries : std::vector<issuer::AuditEntry>{}) {
      n += e.action == action && (outcome.empty() || e.outcome == outcome);
    }
    return n;
  }
  std::string State(const std::string& id) {
    auto resp = Get("/proofing/" + id, true, cookie_);
    auto doc = common::ParseJsonObject(resp->body);
    return doc ? std::string(common::GetString(*doc, "state").value_or("")) : resp->body;
  }
  void ExpectChainIntact() {
    auto report = issuer::AuditLog::Verify(*db_);
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok) << report->problem;
  }
};

// One callback sent by every caller at once: one is accepted, audited and its
// verdict fetched (from the sandbox, on the blocking pool) and recorded; the
// repeats are ignored. Every caller is answered 200.
TEST_P(ProofingConcurrencyTest, OneCallbackSentAtOnceIsAppliedOnce) {
  const std::string id = Open("req-race-same");
  const common::HttpRequest cb = Callback(HostedCheck(id, "Sandbox Async"), 7);
  const auto answers = AtOnce([&](int) {
    common::CurlHttpClient http;
    return Received(http.Send(cb));
  });
  EXPECT_EQ(std::count(answers.begin(), answers.end(), 200), kCallers);
  EXPECT_EQ(State(id), "verified");
  EXPECT_EQ(Audited("callback"), 1);
  EXPECT_EQ(Audited("verdict"), 1);
  EXPECT_EQ(Audited("lock"), 1);
  ExpectChainIntact();
}

// Callbacks each sent at its own time race: several may be accepted, but the
// verdict is recorded once, and the record locked once.
TEST_P(ProofingConcurrencyTest, DistinctCallbacksAtOnceRecordOneVerdict) {
  const std::string id = Open("req-race-distinct");
  const std::string ref = HostedCheck(id, "Sandbox Async Reject");
  const auto answers = AtOnce([&](int i) {
    common::CurlHttpClient http;
    return Received(http.Send(Callback(ref, 100 + i)));
  });
  EXPECT_EQ(std::count(answers.begin(), answers.end(), 200), kCallers);
  EXPECT_EQ(State(id), "rejected");
  EXPECT_GE(Audited("callback"), 1);
  EXPECT_EQ(Audited("verdict"), 1);
  EXPECT_EQ(Audited("lock"), 0);
  ExpectChainIntact();
}

// One form posted by every caller at once: one check starts (the hosted page's
// redirect); the others are told a check is under way: by the route
// (proofing_in_progress), or, when they passed it together, by the service
// (check_pending); both are a 409.
TEST_P(ProofingConcurrencyTest, OneFormPostedAtOnceStartsOneCheck) {
  const std::string id = Open("req-race-submit");
  const std::string form = Form("Sandbox Async");
  const auto answers = AtOnce([&](int) {
    common::CurlHttpClient http;
    common::HttpRequest req{"POST",
                            server_->BaseUrl() + "/proofing/" + id,
                            {{"Content-Type", "application/x-www-form-urlencoded"},
                             {"Accept", "application/json"},
                             {"Cookie", cookie_}},
                            form};
    auto r = http.Send(req);
    if (!r) return -1;
    auto doc = common::ParseJsonObject(r->body);
    if (!doc) return -1;
    if (r->status == 200 && common::GetString(*doc, "state") == "pending") return 200;
    const std::string code(common::GetString(*doc, "error").value_or(""));
    const bool busy = (r->status == 409 && code == "proofing_in_progress") ||
                      (r->status == 409 && code == "check_pending");
    return busy ? 409 : -1;
  });
  EXPECT_EQ(std::count(answers.begin(), answers.end(), 200), 1);
  EXPECT_EQ(std::count(answers.begin(), answers.end(), 409), kCallers - 1);
  EXPECT_EQ(Audited("proofing_start", "ok"), 1);
  EXPECT_EQ(State(id), "pending");
  ExpectChainIntact();
}

VC_INSTANTIATE_BACKENDS(ProofingConcurrencyTest);

}  // namespace
}  // namespace vc::testing
