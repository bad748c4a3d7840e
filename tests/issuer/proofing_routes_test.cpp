// The sandbox proofing journey over real HTTP: jumpstart, form, verdict or
// hosted page + signed callback, and back to the RP.
#include <mutex>
#include <vector>

#include "common/base/crypto.h"
#include "common/base/log.h"
#include "common/http/url.h"
#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

class ProofingRoutesTest : public IntakeFixture {
 protected:
  common::Result<common::HttpResponse> SubmitForm(const std::string& id, const std::string& name,
                                                  const std::string& type,
                                                  const std::string& number, bool json = false) {
    return Post(
        "/proofing/" + id,
        common::FormUrlEncode({{"realName", name}, {"idCardType", type}, {"idCardNumber", number}}),
        cookie_, json);
  }
  std::string State(const std::string& id) {
    auto resp = Get("/proofing/" + id, true, cookie_);
    auto doc = common::ParseJsonObject(resp->body);
    return doc ? std::string(common::GetString(*doc, "state").value_or("")) : resp->body;
  }
  int64_t Count(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](common::Connection& c) {
                     auto q = c.Prepare("SELECT count(*) FROM " + table);
                     if (!q) return common::Status(q.error());
                     auto row = q->Step();
                     n = q->ColumnInt64(0);
                     return row ? common::Status::Ok() : common::Status(row.error());
                   })
                    .ok());
    return n;
  }
};

TEST_P(ProofingRoutesTest, FormCarriesCasdoorFieldNamesAndSandboxBanner) {
  const std::string id = Open("req-form");
  auto page = Get("/proofing/" + id, false, cookie_);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->status, 200);
  for (const char* needle :
       {"name=\"realName\"", "name=\"idCardType\"", "name=\"idCardNumber\"", "value=\"PRC_ID\"",
        "value=\"PASSPORT\"", "value=\"ID_CARD\"", "value=\"DRIVING_LICENSE\"", "SANDBOX"}) {
    EXPECT_NE(page->body.find(needle), std::string::npos) << needle;
  }
}

TEST_P(ProofingRoutesTest, SyncVerifiedEndsAtTheRpWithStatusVerified) {
  const std::string id = Open("req-sync");
  auto submitted = SubmitForm(id, "Zhang San", "PRC_ID", kPrcId);
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(submitted->status, 303);
  EXPECT_EQ(submitted->Header("location").value_or(""), "/proofing/" + id);
  auto verdict = Get("/proofing/" + id, false, cookie_);
  EXPECT_NE(verdict->body.find("data-state=\"verified\""), std::string::npos);
  EXPECT_NE(verdict->body.find("SANDBOX"), std::string::npos);
  auto back = Post("/proofing/" + id + "/continue", "", cookie_, false);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->status, 303);
  const std::string location(back->Header("location").value_or(""));
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?RequestId=req-sync&status=verified", 0), 0u)
      << location;
  auto session = sessions_->Get(id);
  EXPECT_EQ(session->status, issuer::SessionStatus::kVerified);
}

TEST_P(ProofingRoutesTest, EachDocumentedSandboxNameGivesItsOutcome) {
  const std::pair<const char*, const char*> cases[] = {
      {"Sandbox Reject", "rejected"},    {"Sandbox Mismatch", "mismatch"},
      {"Sandbox NoRecord", "no_record"}, {"Sandbox Review", "needs_review"},
      {"Sandbox Expire", "expired"},     {"Li Si", "verified"}};
  int n = 0;
  for (const auto& [name, outcome] : cases) {
    const std::string id = Open("req-outcome-" + std::to_string(n++));
    auto r = SubmitForm(id, name, "PASSPORT", "E12345678", true);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(State(id), outcome) << name;
  }
}

TEST_P(ProofingRoutesTest, FailedVerdictReturnsFailedToTheRp) {
  const std::string id = Open("req-fail");
  ASSERT_TRUE(SubmitForm(id, "Sandbox Reject", "ID_CARD", "AB12345").ok());
  auto back = Post("/proofing/" + id + "/continue", "", cookie_, false);
  EXPECT_NE(std::string(back->Header("location").value_or("")).find("status=failed"),
            std::string::npos);
}

TEST_P(ProofingRoutesTest, BadInputShowsAMessageAndStoresNothing) {
  const std::string id = Open("req-bad");
  const std::tuple<const char*, const char*, const char*> bad[] = {
      {"Zhang San", "PRC_ID", "110105194912310021"},  // wrong check digit
      {"Zhang San", "PRC_ID", "11010519491231002"},   // 17 digits
      {"", "PRC_ID", kPrcId},
      {"Zhang San", "SOCIAL_SECURITY", "123456"},
      {"Zhang San", "PASSPORT", "E1"}};
  for (const auto& [name, type, number] : bad) {
    auto page = SubmitForm(id, name, type, number);
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->status, 400) << type << " " << number;
    EXPECT_NE(page->body.find("class=\"error\""), std::string::npos);
    // The sandbox's list of test inputs holds a valid PRC number; the rest of
    // the page must not hold what was typed.
    std::string body = page->body;
    const size_t hints = body.find("<section aria-labelledby=\"sandbox-hints\"");
    if (hints != std::string::npos) body.erase(hints, body.find("</section>", hints) - hints);
    const size_t script = body.find("<script>");  // the hints' Fill buttons
    if (script != std::string::npos) body.erase(script);
    EXPECT_EQ(body.find(number), std::string::npos) << "the number is not echoed";
  }
  EXPECT_EQ(Count("proofing_attempts"), 0);
  EXPECT_EQ(Count("identity_records"), 0);
  EXPECT_EQ(Count("audit_log"), 0);
  EXPECT_EQ(State(id), "form");
}

TEST_P(ProofingRoutesTest, AsyncGoesThroughHostedPageAndSignedCallback) {
  const std::string id = Open("req-async");
  auto submitted = SubmitForm(id, "Sandbox Async", "PRC_ID", kPrcId);
  ASSERT_EQ(submitted->status, 303);
  const std::string hosted(submitted->Header("location").value_or(""));
  ASSERT_EQ(hosted.rfind("/sandbox-provider/sbx_", 0), 0u) << hosted;
  auto hosted_page = Get(hosted, false);
  EXPECT_NE(hosted_page->body.find("SANDBOX"), std::string::npos);
  auto finished = Post(hosted, "", "", false);
  ASSERT_EQ(finished->status, 303);
  EXPECT_EQ(finished->Header("location").value_or(""), "/proofing/" + id + "/return");
  auto pending = Get("/proofing/" + id, false, cookie_);
  EXPECT_NE(pending->body.find("data-state=\"pending\""), std::string::npos);
  EXPECT_NE(pending->body.find("location.reload()"), std::string::npos);
  EXPECT_NE(pending->Header("content-security-policy").value_or("").find("script-src 'sha256-"),
            std::string::npos);
  EXPECT_EQ(sandbox_->DeliverPending(), 1);  // a real HTTP callback to /callbacks/sandbox
  EXPECT_EQ(State(id), "verified");
}

// Anyone can send one: refused, counted in /metrics, and not audited (the
// append-only log grows only with authenticated events; docs/security.md).
TEST_P(ProofingRoutesTest, CallbackWithBadSignatureIsRefusedAndNotAudited) {
  common::HttpRequest req;
  req.method = "POST";
  req.url = server_->BaseUrl() + "/callbacks/sandbox";
  req.body = R"({"reference":"sbx_x","status":"PROCESSED","sentAt":1})";
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Sandbox-Signature", std::string(64, 'a')}};
  auto resp = http_.Send(req);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 403);
  auto audit = audit_->List(0, 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->empty());
}

TEST_P(ProofingRoutesTest, RepeatedCallbackIsIgnored) {
  const std::string id = Open("req-dup");
  auto submitted = SubmitForm(id, "Sandbox Async Reject", "PASSPORT", "E1234567");
  const std::string hosted(submitted->Header("location").value_or(""));
  ASSERT_EQ(Post(hosted, "", "", false)->status, 303);
  const std::string ref = hosted.substr(std::string("/sandbox-provider/").size());
  const std::string body = R"({"reference":")" + ref + R"(","status":"PROCESSED","sentAt":5})";
  const std::string sig =
      common::HexEncode(common::HmacSha256(*keys_->SecretOrCreate("sandbox-callback"), body));
  issuer::CallbackInput in{{{"x-sandbox-signature", sig}}, body, "127.0.0.1"};
  EXPECT_TRUE(proofing_->HandleCallback("sandbox", in, "").ok());
  EXPECT_EQ(State(id), "rejected");
  EXPECT_TRUE(proofing_->HandleCallback("sandbox", in, "").ok());
  auto audit = audit_->List(0, 20);
  int verdicts = 0;
  for (const auto& e : *audit) verdicts += e.action == "verdict";
  EXPECT_EQ(verdicts, 1);
}

TEST_P(ProofingRoutesTest, NoIdNumberOrNameInLogsOrAudit) {
  std::mutex mu;
  std::string captured;
  common::Logger::Global().SetSink([&](std::string_view line) {
    std::lock_guard lock(mu);
    captured += line;
  });
  const std::string id = Open("req-pii");
  ASSERT_TRUE(SubmitForm(id, "Wang Wu Unique", "PRC_ID", kPrcId).ok());
  const std::string id2 = Open("req-pii-2");
  ASSERT_TRUE(SubmitForm(id2, "Wang Wu Unique", "PRC_ID", "110105194912310021").ok());
  ASSERT_TRUE(Post("/proofing/" + id + "/continue", "", cookie_, false).ok());
  common::Logger::Global().SetSink(nullptr);
  auto audit = audit_->List(0, 100);
  const std::string audit_json = issuer::AuditLog::ToJson(*audit);
  std::lock_guard lock(mu);
  EXPECT_FALSE(captured.empty());
  for (const std::string& pii :
       {std::string(kPrcId), std::string("Wang Wu Unique"), std::string("110105194912310021")}) {
    EXPECT_EQ(captured.find(pii), std::string::npos) << pii;
    EXPECT_EQ(audit_json.find(pii), std::string::npos) << pii;
  }
}

TEST_P(ProofingRoutesTest, SandboxIsRefusedInProduction) {
  issuer::ProofingServiceOptions prod;
  prod.production = true;
  EXPECT_THROW(issuer::ProofingService(prod, {{"sandbox", sandbox_}}, *db_, *crypto_, clock_),
               std::invalid_argument);
}

VC_INSTANTIATE_BACKENDS(ProofingRoutesTest);

}  // namespace
}  // namespace vc::testing
