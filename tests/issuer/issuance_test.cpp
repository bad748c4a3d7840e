// IssuanceService without the pages: the createIssuanceRequest body it builds
// (claims through the contract only, hashed PIN, expirationDate, callback),
// sent over HTTP to a local Request Service stand-in, and the callback handling
// matrix of spec §5 (authentication, unknown states and statuses, forward-only,
// idempotent, audited).
#include "issuer/issuance.h"

#include <gtest/gtest.h>

#include <mutex>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_server.h"
#include "issuer/audit_log.h"
#include "issuer/proofing_attempts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"

namespace vc::testing {
namespace {

using issuer::CallbackResult;

// Token endpoint and createIssuanceRequest; records the bodies it was sent.
class RecordingRequestService {
 public:
  RecordingRequestService() {
    server_.Route("POST", "/token", [](const common::HttpServerRequest&) {
      return common::HttpServerResponse::Json(
          200, R"({"token_type":"Bearer","expires_in":3600,"access_token":"t"})");
    });
    server_.Route(
        "POST", "/v1.0/verifiableCredentials/createIssuanceRequest",
        [this](const common::HttpServerRequest& r) {
          std::lock_guard l(mu_);
          bodies_.push_back(r.body);
          return common::HttpServerResponse::Json(
              201,
              R"({"requestId":"rq-)" + std::to_string(bodies_.size()) +
                  R"(","url":"openid-vc://?request_uri=https://rs.example/r","expiry":1760000300})");
        });
    server_.Start();
  }
  std::string base() const { return server_.BaseUrl(); }
  std::vector<std::string> bodies() {
    std::lock_guard l(mu_);
    return bodies_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> bodies_;
  common::HttpServer server_;
};

class IssuanceServiceTest : public BackendTest {
 protected:
  void TearDown() override {
    service_.reset();
    client_.reset();
    store_.reset();
    sessions_.reset();
    BackendTest::TearDown();
  }
  void SetUp() override {
    BackendTest::SetUp();
    if (::testing::Test::IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(issuer::SessionStore::Prepare(*db_).ok());
    ASSERT_TRUE(issuer::MigrateProofing(*db_).ok());
    ASSERT_TRUE(issuer::IssuanceStore::Migrate(*db_).ok());
    sessions_ = std::make_unique<issuer::SessionStore>(*db_, clock_);
    store_ = std::make_unique<issuer::IssuanceStore>(*db_, clock_);
    credentials::RequestServiceClientOptions o;
    o.base_url = rs_.base() + "/v1.0";
    o.token_url = rs_.base() + "/token";
    o.client_id = "c";
    o.client_secret = "s";
    client_ = std::make_unique<credentials::RequestServiceClient>(o, http_, clock_);
    service_ = std::make_unique<issuer::IssuanceService>(
        issuer::IssuanceOptions{"https://idv.example", "did:web:idv.example", "cb-key"}, *client_,
        *store_, *sessions_, *db_, clock_);
    issuer::NewSession n;
    n.org_id = "contoso";
    n.request_id = "req-1";
    n.redirect_url = "https://contoso.example/done";
    n.claim_scope = "contoso";
    n.claim_key = "req-1";
    n.claim_expires_at = clock_.NowSeconds() + 600;
    auto opened = sessions_->Open(n);
    ASSERT_TRUE(opened.ok());
    session_ = opened->session;
    plan_.contract.id = "VerifiedIdentity";
    plan_.contract.type = "VerifiedIdentity";
    plan_.contract.manifest_url = "https://rs.example/manifest";
    plan_.contract.claims = {{"realName", "name", true, false},
                             {"idCardType", "idCardType", false, false}};
    plan_.client_name = "Contoso";
  }

  std::map<std::string, std::string> Available() {
    return {{"realName", "Mei Chen"},
            {"idCardType", "PRC_ID"},
            {"idCardNumber", "11010519491231002X"},
            {"provider", "sandbox"}};
  }
  CallbackResult Callback(const std::string& body, const std::string& key = "cb-key") {
    return service_->HandleCallback(key, body, "cv.1");
  }
  std::string StatusOf(const std::string& id) {
    return std::string(issuer::IssuanceStatusName(store_->Get(id)->status));
  }
  int64_t AuditEntries() { return issuer::AuditLog::Verify(*db_)->entries; }

  common::ManualClock clock_{1'760'000'000};
  common::CurlHttpClient http_;
  RecordingRequestService rs_;
  std::unique_ptr<issuer::SessionStore> sessions_;
  std::unique_ptr<issuer::IssuanceStore> store_;
  std::unique_ptr<credentials::RequestServiceClient> client_;
  std::unique_ptr<issuer::IssuanceService> service_;
  issuer::Session session_;
  issuer::IssuancePlan plan_;
};

TEST_P(IssuanceServiceTest, BodyCarriesContractClaimsCallbackAndNoIdNumber) {
  auto r = service_->Start(session_, plan_, Available());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->request_id, "rq-1");
  EXPECT_TRUE(r->pin.empty());
  auto body = common::ParseJsonObject(rs_.bodies().at(0));
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(common::GetString(*body, "authority"), "did:web:idv.example");
  EXPECT_EQ(common::GetString(*body, "type"), "VerifiedIdentity");
  EXPECT_EQ(common::GetString(*body, "manifest"), "https://rs.example/manifest");
  EXPECT_EQ(common::GetString(*common::GetObject(*body, "registration"), "clientName"), "Contoso");
  const auto& cb = *common::GetObject(*body, "callback");
  EXPECT_EQ(common::GetString(cb, "url"), "https://idv.example/api/issuer/callback");
  EXPECT_EQ(common::GetString(cb, "state"), r->state);
  EXPECT_EQ(common::GetString(*common::GetObject(cb, "headers"), "api-key"), "cb-key");
  const auto& claims = *common::GetObject(*body, "claims");
  EXPECT_EQ(claims.MemberCount(), 2u);
  EXPECT_EQ(common::GetString(claims, "realName"), "Mei Chen");  // inputClaim names (spec §2.1)
  EXPECT_FALSE(claims.HasMember("idCardNumber"));
  EXPECT_FALSE(body->HasMember("pin"));
  EXPECT_FALSE(body->HasMember("expirationDate"));
  EXPECT_EQ(rs_.bodies().at(0).find("11010519491231002X"), std::string::npos);
}

TEST_P(IssuanceServiceTest, IdNumberLeavesOnlyWhenTheContractMapsIt) {
  plan_.contract.claims.push_back({"idCardNumber", "documentNumber", false, false});
  ASSERT_TRUE(service_->Start(session_, plan_, Available()).ok());
  auto body = common::ParseJsonObject(rs_.bodies().at(0));
  EXPECT_EQ(common::GetString(*common::GetObject(*body, "claims"), "idCardNumber"),
            "11010519491231002X");
}

TEST_P(IssuanceServiceTest, PinIsShownPlainAndSentHashedWithExpirationDate) {
  plan_.pin_length = 6;
  plan_.credential_lifetime_seconds = 86400;
  auto r = service_->Start(session_, plan_, Available());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->pin.size(), 6u);
  EXPECT_EQ(r->pin.find_first_not_of("0123456789"), std::string::npos);
  auto body = common::ParseJsonObject(rs_.bodies().at(0));
  const auto& pin = *common::GetObject(*body, "pin");
  const std::string salt(common::GetString(pin, "salt").value_or(""));
  EXPECT_FALSE(salt.empty());
  EXPECT_EQ(common::GetString(pin, "value"), common::Base64Encode(common::Sha256(salt + r->pin)));
  EXPECT_EQ(common::GetInt64(pin, "length"), 6);
  EXPECT_EQ(common::GetString(pin, "alg"), "sha256");
  EXPECT_EQ(common::GetInt64(pin, "iterations"), 1);
  EXPECT_EQ(rs_.bodies().at(0).find("\"" + r->pin + "\""), std::string::npos);
  EXPECT_EQ(common::GetString(*body, "expirationDate"),
            "2025-10-10T08:53:20Z");  // 1760000000 + 1 day
}

TEST_P(IssuanceServiceTest, MissingRequiredClaimStopsBeforeTheRequestService) {
  auto available = Available();
  available.erase("realName");
  auto r = service_->Start(session_, plan_, available);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, issuer::ProofingError::kMissingClaim);
  EXPECT_NE(r.error().message.find("realName"), std::string::npos);
  EXPECT_TRUE(rs_.bodies().empty());
}

TEST_P(IssuanceServiceTest, CallbacksMoveForwardOnlyAndAreAudited) {
  plan_.pin_length = 4;
  auto r = service_->Start(session_, plan_, Available());
  ASSERT_TRUE(r.ok());
  const std::string st = R"(","state":")" + r->state + R"("})";
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"request_retrieved)" + st, "wrong"),
            CallbackResult::kUnauthenticated);
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"request_retrieved)" + st, ""),
            CallbackResult::kUnauthenticated);
  EXPECT_EQ(Callback("not json"), CallbackResult::kMalformed);
  EXPECT_EQ(
      Callback(R"({"requestId":"rq-1","requestStatus":"request_retrieved","state":"unknown"})"),
      CallbackResult::kIgnored);
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"selfie_taken)" + st),
            CallbackResult::kIgnored);
  EXPECT_EQ(Callback(R"({"requestId":"other","requestStatus":"issuance_successful)" + st),
            CallbackResult::kIgnored);
  EXPECT_EQ(StatusOf(r->id), "request_created");
  EXPECT_EQ(AuditEntries(), 0);
  // The pre-GA field name `code` is read when requestStatus is absent.
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","code":"request_retrieved)" + st),
            CallbackResult::kApplied);
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"request_retrieved)" + st),
            CallbackResult::kIgnored);
  EXPECT_EQ(StatusOf(r->id), "request_retrieved");
  EXPECT_EQ(store_->Get(r->id)->pin, r->pin);
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"issuance_successful)" + st),
            CallbackResult::kApplied);
  // Terminal: a later error, a repeat or a late retrieved changes nothing.
  EXPECT_EQ(
      Callback(R"({"requestId":"rq-1","requestStatus":"issuance_error","state":")" + r->state +
               R"(","error":{"code":"IssuanceFlowFailed","message":"user_canceled"}})"),
      CallbackResult::kIgnored);
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"issuance_successful)" + st),
            CallbackResult::kIgnored);
  EXPECT_EQ(Callback(R"({"requestId":"rq-1","requestStatus":"request_retrieved)" + st),
            CallbackResult::kIgnored);
  auto done = store_->Get(r->id);
  EXPECT_EQ(StatusOf(r->id), "issuance_successful");
  EXPECT_TRUE(done->pin.empty());  // the PIN is forgotten once the request ends
  EXPECT_EQ(AuditEntries(), 2);
  auto audit = issuer::AuditLog(*db_, clock_).List(0, 10);
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[1].subject, "contoso/req-1");
  EXPECT_EQ((*audit)[1].action, "issuance");
  EXPECT_EQ((*audit)[1].outcome, "issuance_successful");
}

TEST_P(IssuanceServiceTest, ErrorIsKeptAndExpiryIsReported) {
  auto r = service_->Start(session_, plan_, Available());
  ASSERT_TRUE(r.ok());
  auto status = common::ParseJsonObject(service_->StatusJson(*store_->Get(r->id)));
  EXPECT_EQ(common::GetString(*status, "status"), "request_created");
  clock_.Advance(301);  // the stand-in's expiry is 1760000300
  status = common::ParseJsonObject(service_->StatusJson(*store_->Get(r->id)));
  EXPECT_EQ(common::GetString(*status, "status"), "expired");
  EXPECT_EQ(
      Callback(R"({"requestId":"rq-1","requestStatus":"issuance_error","state":")" + r->state +
               R"(","error":{"code":"IssuanceFlowFailed","message":"fetch_contract_error"}})"),
      CallbackResult::kApplied);
  status = common::ParseJsonObject(service_->StatusJson(*store_->Get(r->id)));
  EXPECT_EQ(common::GetString(*status, "status"), "issuance_error");
  EXPECT_EQ(common::GetString(*common::GetObject(*status, "error"), "message"),
            "fetch_contract_error");
}

// A callback that cannot be recorded must be retried by the Request Service's
// outbox (5xx), not answered like a bad body (4xx is final there: the event
// would be lost).
TEST_P(IssuanceServiceTest, ACallbackThatCannotBeStoredAsksForARetry) {
  auto r = service_->Start(session_, plan_, Available());
  ASSERT_TRUE(r.ok());
  const std::string body =
      R"({"requestId":"rq-1","requestStatus":"issuance_successful","state":")" + r->state + R"("})";
  ASSERT_TRUE(db_->Exec("ALTER TABLE issuer_issuances RENAME TO moved_away").ok());
  EXPECT_EQ(Callback(body), CallbackResult::kStorageError);
  ASSERT_TRUE(db_->Exec("ALTER TABLE moved_away RENAME TO issuer_issuances").ok());
  EXPECT_EQ(Callback(body), CallbackResult::kApplied);
  EXPECT_EQ(StatusOf(r->id), "issuance_successful");
}

VC_INSTANTIATE_BACKENDS(IssuanceServiceTest);

}  // namespace
}  // namespace vc::testing
