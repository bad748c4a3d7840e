#include <atomic>
#include <thread>

#include "common/base/base64url.h"
#include "common/http/url.h"
#include "tests/issuer/intake_fixture.h"

namespace vc::testing {
namespace {

using JumpstartTest = IntakeFixture;

TEST_P(JumpstartTest, ValidLinkOpensSessionAndRedirectsToProofing) {
  auto resp = Get("/contoso/?token=" + Mint("req-1"));
  ASSERT_TRUE(resp.ok()) << resp.error().message;
  EXPECT_EQ(resp->status, 303);
  const std::string location(resp->Header("location").value_or(""));
  ASSERT_EQ(location.rfind("/proofing/", 0), 0u) << location;
  const std::string id = location.substr(10);
  const std::string set_cookie(resp->Header("set-cookie").value_or(""));
  EXPECT_EQ(set_cookie.rfind("vcs_" + id + "=", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "public URL is http";

  auto session = sessions_->Get(id);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->org_id, "contoso");
  EXPECT_EQ(session->request_id, "req-1");
  EXPECT_EQ(session->redirect_url, kRedirect);
  EXPECT_FALSE(session->mscv.empty());

  // The proofing page belongs to the browser holding the cookie.
  auto page = Get(location, false, CookieFrom(*resp));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->status, 200);
  auto stranger = Get(location, true);
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(stranger->status, 403);
  EXPECT_EQ(ErrorCode(*stranger), "session_forbidden");
}

TEST_P(JumpstartTest, TokenAsPostFormField) {
  auto resp = Post("/contoso/", "token=" + Mint("req-post"));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->status, 303);
}

struct Case {
  const char* name;
  int status;
  const char* code;
};

TEST_P(JumpstartTest, EachRefusalHasItsCode) {
  const auto other_rsa = common::Jwk::Generate(common::JwsAlg::kRS256).WithKid("rp-1");
  const auto ec = common::Jwk::Generate(common::JwsAlg::kES256).WithKid("rp-1");
  const int64_t now = clock_.NowSeconds();
  auto es256 = common::SignCompact(ec, common::JwsAlg::kES256,
                                   R"({"OrgId":"contoso","RequestId":"x","redirectUrl":")" +
                                       std::string(kRedirect) + R"(","exp":)" +
                                       std::to_string(now + 60) + "}");
  const std::string none_token =
      common::Base64UrlEncode(R"({"alg":"none"})") + "." +
      common::Base64UrlEncode(R"({"OrgId":"contoso","RequestId":"n","exp":)" +
                              std::to_string(now + 60) + "}") +
      ".";
  struct Row {
    std::string path;
    int status;
    const char* code;
  };
  const std::vector<Row> rows = {
      {"/contoso/?token=not.a.jwt", 400, "malformed_token"},
      {"/contoso/?token=", 400, "malformed_token"},
      {"/contoso/?token=" + *es256, 400, "unsupported_alg"},
      {"/contoso/?token=" + none_token, 400, "unsupported_alg"},
      {"/contoso/?token=" + Mint("r1", "", &other_rsa), 401, "invalid_signature"},
      {"/contoso/?token=" + Mint("r2", "", nullptr, -120), 401, "token_expired"},
      {"/contoso/?token=" + Mint("r3", "\"nbf\":" + std::to_string(now + 300)), 401,
       "token_not_yet_valid"},
      {"/contoso/?token=" + Mint("r4", "", nullptr, 3600), 401, "lifetime_too_long"},
      {"/fabrikam/?token=" + Mint("r5"), 404, "unknown_org"},
  };
  for (const auto& row : rows) {
    auto resp = Get(row.path);
    ASSERT_TRUE(resp.ok()) << row.path;
    EXPECT_EQ(resp->status, row.status) << row.code;
    EXPECT_EQ(ErrorCode(*resp), row.code) << row.path.substr(0, 60);
    EXPECT_FALSE(resp->Header("location").has_value()) << row.code;
  }
}

TEST_P(JumpstartTest, SkewOfAMinuteIsHonoured) {
  const int64_t now = clock_.NowSeconds();
  auto ok = Get("/contoso/?token=" + Mint("skew-ok", "\"nbf\":" + std::to_string(now + 50)));
  EXPECT_EQ(ok->status, 303);
  auto late = Get("/contoso/?token=" + Mint("skew-late", "", nullptr, -50));
  EXPECT_EQ(late->status, 303) << ErrorCode(*late);
}

// A token with its claims written out in full, for the claim-level refusals.
std::string Claims(int64_t now, const std::string& org, const std::string& request_id,
                   const std::string& redirect) {
  std::string s = "{";
  if (!org.empty()) s += "\"OrgId\":\"" + org + "\",";
  if (!request_id.empty()) s += "\"RequestId\":\"" + request_id + "\",";
  if (!redirect.empty()) s += "\"redirectUrl\":\"" + redirect + "\",";
  return s + "\"exp\":" + std::to_string(now + 120) + "}";
}

TEST_P(JumpstartTest, ClaimRefusals) {
  const int64_t now = clock_.NowSeconds();
  auto sign = [&](const std::string& payload) {
    return *common::SignCompact(rp_key_, common::JwsAlg::kRS256, payload, {"JWT", "rp-1", ""});
  };
  const std::vector<std::pair<std::string, const char*>> rows = {
      {Claims(now, "fabrikam", "a", kRedirect), "org_mismatch"},
      {Claims(now, "", "a", kRedirect), "malformed_token"},
      {Claims(now, "contoso", "", kRedirect), "malformed_token"},
      {Claims(now, "contoso", std::string(129, 'x'), kRedirect), "malformed_token"},
      {Claims(now, "contoso", "a", ""), "malformed_token"},
      {Claims(now, "contoso", "a", "https://evil.example/"), "redirect_not_allowed"},
      {Claims(now, "contoso", "b", "https://contoso.example/onboarding/done/"),
       "redirect_not_allowed"},
      {Claims(now, "contoso", "c", "https://contoso.example/onboarding/done?x=1"),
       "redirect_not_allowed"},
      {Claims(now, "contoso", "d", "https://contoso.example.evil.example/onboarding/done"),
       "redirect_not_allowed"},
      {Claims(now, "contoso", "e", "//contoso.example/onboarding/done"), "redirect_not_allowed"},
      {"{\"OrgId\":\"contoso\",\"RequestId\":\"f\",\"redirectUrl\":\"" + std::string(kRedirect) +
           "\"}",
       "malformed_token"},  // no exp
  };
  for (const auto& [payload, code] : rows) {
    auto resp = Get("/contoso/?token=" + sign(payload));
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(ErrorCode(*resp), code) << payload;
    EXPECT_FALSE(resp->Header("location").has_value());
  }
  EXPECT_EQ(sessions_->Get("anything").error().code, "session_not_found");
}

TEST_P(JumpstartTest, SecondUseIsRefusedAndBrowserGetsPlainWords) {
  const std::string token = Mint("once");
  ASSERT_EQ(Get("/contoso/?token=" + token)->status, 303);
  auto again = Get("/contoso/?token=" + token);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(ErrorCode(*again), "token_replayed");
  auto page = Get("/contoso/?token=" + token, /*json=*/false);
  EXPECT_EQ(page->status, 409);
  EXPECT_NE(page->Header("content-type").value_or("").find("text/html"), std::string::npos);
  EXPECT_NE(page->body.find("already been used"), std::string::npos);
  EXPECT_FALSE(page->Header("location").has_value());
}

TEST_P(JumpstartTest, ExpiredLinkPageSaysExpired) {
  auto page = Get("/contoso/?token=" + Mint("old", "", nullptr, -600), false);
  EXPECT_EQ(page->status, 401);
  EXPECT_NE(page->body.find("expired"), std::string::npos);
}

TEST_P(JumpstartTest, ReplayIsRefusedAfterRestart) {
  const std::string token = Mint("durable");
  ASSERT_EQ(Get("/contoso/?token=" + token)->status, 303);
  OpenStores();  // a new process: the database reopened from disk
  StartServer();
  EXPECT_EQ(ErrorCode(*Get("/contoso/?token=" + token)), "token_replayed");
}

// 64 browsers (or an attacker) race one link: the durable one-time claim lets
// exactly one open a session; the database holds exactly one session for it.
TEST_P(JumpstartTest, ConcurrentUsesOfOneTokenOpenExactlyOneSession) {
  constexpr int kParallel = 64;
  const std::string token = Mint("race");
  std::atomic<int> opened{0}, replayed{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kParallel; ++i) {
    threads.emplace_back([&] {
      common::CurlHttpClient client;
      common::HttpRequest req;
      req.url = server_->BaseUrl() + "/contoso/?token=" + token;
      req.headers = {{"Accept", "application/json"}};
      req.timeout_ms = 60'000;  // 64 requests on 2 cores (and under TSan)
      auto resp = client.Send(req);
      if (resp && resp->status == 303) {
        ++opened;
      } else if (resp && ErrorCode(*resp) == "token_replayed") {
        ++replayed;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 1);
  EXPECT_EQ(replayed.load(), kParallel - 1);
  EXPECT_EQ(other.load(), 0);
  int64_t sessions = -1;
  ASSERT_TRUE(db_->Read([&](common::Connection& conn) -> common::Status {
                   auto st = conn.Prepare("SELECT COUNT(*) FROM sessions");
                   if (!st.ok()) return st.error();
                   auto row = st->Step();
                   if (!row.ok()) return row.error();
                   sessions = st->ColumnInt64(0);
                   return common::Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(sessions, 1);
}

// A claim that cannot be stored is "try again" (503), not a bad link, and it
// claims nothing: once the store works again the same link opens a session.
TEST_P(JumpstartTest, StorageFailureIs503AndTheLinkStillWorksAfter) {
  const std::string token = Mint("store-down");
  ASSERT_TRUE(db_->Exec("ALTER TABLE sessions RENAME TO sessions_away").ok());
  auto refused = Get("/contoso/?token=" + token);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(ErrorCode(*refused), "storage_unavailable");
  ASSERT_TRUE(db_->Exec("ALTER TABLE sessions_away RENAME TO sessions").ok());
  auto opened = Get("/contoso/?token=" + token);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->status, 303);
}

TEST_P(JumpstartTest, SameRequestIdInAnotherOrgIsIndependent) {
  // Claims are per org: the RequestId namespace belongs to each RP.
  ASSERT_EQ(Get("/contoso/?token=" + Mint("shared-id"))->status, 303);
  issuer::NewSession other;
  other.claim_scope = "jumpstart:fabrikam";
  other.claim_key = "shared-id";
  EXPECT_TRUE(sessions_->Open(other).ok());
}

TEST_P(JumpstartTest, FinishedFlowReturnsToRegisteredUrlWithVerifiableResult) {
  auto resp = Get("/contoso/?token=" + Mint("ret-1"));
  const std::string id = std::string(resp->Header("location").value()).substr(10);
  auto back = intake_->Finish(id, issuer::SessionStatus::kVerified);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->location.rfind(std::string(kRedirect) + "?", 0), 0u) << back->location;
  auto query = common::ParseQueryString(back->location.substr(back->location.find('?') + 1));
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->Get("RequestId").value(), "ret-1");
  EXPECT_EQ(query->Get("status").value(), "verified");
  // The RP verifies the result with our published JWKS.
  auto jwks_resp = Get("/.well-known/jwks.json");
  ASSERT_EQ(jwks_resp->status, 200);
  auto jwks = common::Jwks::FromJsonText(jwks_resp->body);
  ASSERT_TRUE(jwks.ok());
  auto parsed = common::ParseCompact(query->Get("result").value());
  ASSERT_TRUE(parsed.ok());
  const common::Jwk* key = jwks->FindByKid(parsed->kid);
  ASSERT_NE(key, nullptr);
  ASSERT_TRUE(common::VerifySignature(*parsed, *key, {common::JwsAlg::kES256}).ok());
  auto claims = common::ParseJsonObject(parsed->payload);
  EXPECT_EQ(common::GetString(*claims, "aud").value(), "contoso");
  EXPECT_EQ(common::GetString(*claims, "RequestId").value(), "ret-1");
  EXPECT_EQ(common::GetString(*claims, "status").value(), "verified");
  const int64_t iat = common::GetNumericDate(*claims, "iat").value();
  EXPECT_GT(common::GetNumericDate(*claims, "exp").value(), iat);
  // Ending twice the same way is idempotent; another way is refused.
  EXPECT_TRUE(intake_->Finish(id, issuer::SessionStatus::kVerified).ok());
  EXPECT_EQ(intake_->Finish(id, issuer::SessionStatus::kFailed).error().code, "session_ended");
}

TEST_P(JumpstartTest, UserCancelReturnsToRp) {
  auto resp = Get("/contoso/?token=" + Mint("cancel-1"));
  const std::string location(resp->Header("location").value());
  auto cancel = Post(location + "/cancel", "", CookieFrom(*resp), false);
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->status, 303);
  const std::string back(cancel->Header("location").value_or(""));
  EXPECT_EQ(back.rfind(std::string(kRedirect) + "?RequestId=cancel-1&status=cancelled&result=", 0),
            0u)
      << back;
  // Without the cookie nobody can end someone else's session.
  auto resp2 = Get("/contoso/?token=" + Mint("cancel-2"));
  auto forged = Post(std::string(resp2->Header("location").value()) + "/cancel", "");
  EXPECT_EQ(forged->status, 403);
}

}  // namespace
}  // namespace vc::testing

namespace vc::testing {
namespace {

TEST_P(JumpstartTest, PruneForgetsOnlyClaimsThatCanNoLongerBeReplayed) {
  const std::string token = Mint("prune-me", "", nullptr, 120);
  ASSERT_EQ(Get("/contoso/?token=" + token)->status, 303);
  // Still inside exp + skew: the claim must stay, or the link would work twice.
  clock_.Advance(150);
  ASSERT_TRUE(sessions_->Prune().ok());
  EXPECT_EQ(ErrorCode(*Get("/contoso/?token=" + token)), "token_replayed");
  // Long after: the claim is gone, and the token is refused as expired instead.
  clock_.Advance(3600);
  auto removed = sessions_->Prune();
  ASSERT_TRUE(removed.ok());
  EXPECT_GE(*removed, 1);
  EXPECT_EQ(ErrorCode(*Get("/contoso/?token=" + token)), "token_expired");
}

VC_INSTANTIATE_BACKENDS(JumpstartTest);

}  // namespace
}  // namespace vc::testing
