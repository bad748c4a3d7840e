// The embedded Request Service over real HTTP on port 0: its routes, a SQLite
// database in a temp dir, a manual clock, a callback receiver on its own port
// and the wallet client. Callbacks are delivered when a test calls Deliver().
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/base/json.h"
#include "common/config/config.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/store/store.h"
#include "credentials/published.h"
#include "credentials/wallet_client.h"
#include "keys/key_store.h"
#include "request_service/auth.h"
#include "request_service/outbox.h"
#include "request_service/routes.h"
#include "request_service/service.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace vc::testing {

struct ReceivedCallback {
  std::string api_key;
  std::string request_status;
  std::string body;
  int answered = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
};

// Records every callback POST; answers 503 while down, else the queued statuses, then 200.
class CallbackReceiver {
 public:
  CallbackReceiver() {
    server_.Route("POST", "/cb", [this](const common::HttpServerRequest& req) {
      std::lock_guard lock(mu_);
      ReceivedCallback r{std::string(req.Header("api-key").value_or("")), "", req.body, 200,
                         req.headers};
      if (auto doc = common::ParseJsonObject(req.body)) {
        r.request_status = std::string(common::GetString(*doc, "requestStatus").value_or(""));
      }
      if (down_) {
        r.answered = 503;
      } else if (!answers_.empty()) {
        r.answered = answers_.front();
        answers_.pop_front();
      }
      received_.push_back(r);
      return common::HttpServerResponse::Json(r.answered, "{}");
    });
    server_.Start();
  }
  std::string url() const { return server_.BaseUrl() + "/cb"; }
  void AnswerNext(int status) {
    std::lock_guard lock(mu_);
    answers_.push_back(status);
  }
  void SetDown(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
  }
  std::vector<ReceivedCallback> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  // requestStatus of the callbacks that were accepted (2xx), in order.
  std::vector<std::string> Delivered() {
    std::vector<std::string> out;
    for (const auto& r : received()) {
      if (r.answered < 300) out.push_back(r.request_status);
    }
    return out;
  }

 private:
  common::HttpServer server_;
  std::mutex mu_;
  bool down_ = false;
  std::deque<int> answers_;
  std::vector<ReceivedCallback> received_;
};

// Parameterised by engine: suites instantiate with VC_INSTANTIATE_BACKENDS.
class RequestServiceFixture : public ::testing::TestWithParam<TestBackend> {
 protected:
  // Retried for 60 s (a test's worth), attempts time out after 5 s.
  static request_service::OutboxOptions ShortOutbox() {
    request_service::OutboxOptions o;
    o.retry_seconds = 60;
    o.timeout_ms = 5000;
    return o;
  }

  // Real time, so that vcwallet (which reads the system clock) agrees with the service.
  const int64_t kStart = common::SystemClock().NowSeconds();

  RequestServiceFixture()
      : clock_(kStart),
        test_db_(UsableBackend(GetParam())),
        db_(test_db_.Open()),
        keys_(dir_.path() / "keys"),
        resolver_(http_, clock_, {"http", 300}),
        status_(http_, resolver_, clock_),
        domains_(http_, resolver_, clock_),
        outbox_(*db_, http_, clock_, ShortOutbox()),
        wallet_(http_, clock_),
        holder_(credentials::Holder::FromKey(common::Jwk::Generate(common::JwsAlg::kES256))) {
    request_service::RegisterRequestServiceRoutes(server_, slot_, "local", clock_);
    server_.Start();
    base_ = server_.BaseUrl();
    request_service::RequestServiceOptions o;
    o.public_base_url = base_;
    o.authority = common::DidWebFromUrl(base_);
    credentials::ContractConfig contract;
    contract.id = "VerifiedIdentity";
    contract.type = "VerifiedIdentity";
    contract.claims = {{"realName", "realName", true, false},
                       {"idNumber", "idNumber", false, true}};
    contract.display = R"({"card":{"title":"Verified identity","issuedBy":"IDV"}})";
    service_ = std::make_unique<request_service::RequestService>(
        o, *db_, keys_, std::vector{contract}, resolver_, status_, domains_, clock_);
    tokens_ = std::make_unique<request_service::TokenService>(
        std::vector<common::RequestServiceClient>{
            {"app", "app-secret", {request_service::kRoleCreateAll}},
            {"issuer-only", "s2", {request_service::kRoleIssue}},
            {"no-roles", "s3", {}},
            {"admin", "s4", {request_service::kRoleRevoke}}},
        std::string(32, 'k'), "local", clock_, base_);
    parts_ =
        std::make_unique<request_service::RequestServiceParts>(request_service::RequestServiceParts{
            service_->requests(), service_->wallet(), service_->publishing(),
            service_->verification(), *tokens_});
    slot_.Publish(parts_.get());
  }

  std::string authority() const { return service_->authority().options().authority; }
  std::string manifest() const { return service_->authority().ManifestUrl("VerifiedIdentity"); }

  // A token for `client`: the Admin API's for "admin" (revocation), the
  // Request Service's for the others.
  std::string Token(const std::string& client = "app") {
    for (const auto& [id, secret] : std::vector<std::pair<std::string, std::string>>{
             {"app", "app-secret"}, {"issuer-only", "s2"}, {"no-roles", "s3"}, {"admin", "s4"}}) {
      if (id != client) continue;
      auto r = common::PostForm(
          http_, base_ + "/oauth2/v2.0/token",
          {{"grant_type", "client_credentials"},
           {"client_id", id},
           {"client_secret", secret},
           {"scope", std::string(client == "admin" ? request_service::kAdminResourceAppId
                                                   : request_service::kResourceAppId) +
                         "/.default"}});
      auto doc = common::ParseJsonObject(r->body);
      return std::string(common::GetString(*doc, "access_token").value_or(""));
    }
    return "";
  }

  std::string Callback() const {
    return R"("callback":{"url":")" + receiver_.url() +
           R"(","state":"st-1","headers":{"api-key":"cb-key"}})";
  }

  std::string IssuanceBody(const std::string& extra = "") {
    return "{" + Callback() + R"(,"registration":{"clientName":"Contoso"},"authority":")" +
           authority() + R"(","type":"VerifiedIdentity","manifest":")" + manifest() +
           R"(","claims":{"realName":"Megan Bowen","idNumber":"X123"})" + extra + "}";
  }

  std::string PresentationBody(const std::string& rc_extra = "", const std::string& extra = "") {
    return "{" + Callback() +
           R"(,"registration":{"clientName":"Verifier","purpose":"check"},"authority":")" +
           authority() + R"(")" + extra +
           R"(,"requestedCredentials":[{"type":"VerifiedIdentity","acceptedIssuers":[")" +
           authority() + R"("])" + rc_extra + "}]}";
  }

  common::Result<common::HttpResponse> Post(const std::string& path, const std::string& body,
                                            const std::string& token) {
    common::HttpHeaders h;
    if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
    return common::PostJson(http_, base_ + path, body, h);
  }

  // 201 body's "url" for a create call that must succeed.
  std::string Create(const std::string& kind, const std::string& body) {
    auto r = Post("/v1.0/verifiableCredentials/create" + kind + "Request", body, Token());
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : r.error().message);
    auto doc = common::ParseJsonObject(r->body);
    return std::string(common::GetString(*doc, "url").value_or(""));
  }

  void Deliver() { ASSERT_TRUE(outbox_.DeliverDue().ok()); }

  void SetUp() override { VC_SKIP_WITHOUT_BACKEND(GetParam()); }

  TempDir dir_;
  common::ManualClock clock_;
  common::CurlHttpClient http_;
  TestDatabase test_db_;
  std::unique_ptr<common::Database> db_;
  keys::KeyStore keys_;
  credentials::DidResolver resolver_;
  credentials::HttpStatusChecker status_;
  credentials::HttpLinkedDomainChecker domains_;
  request_service::CallbackOutbox outbox_;
  credentials::WalletClient wallet_;
  credentials::Holder holder_;
  CallbackReceiver receiver_;
  // The parts as they are now (again after a test replaced one, between requests).
  void PublishParts() {
    auto parts =
        std::make_unique<request_service::RequestServiceParts>(request_service::RequestServiceParts{
            service_->requests(), service_->wallet(), service_->publishing(),
            service_->verification(), *tokens_});
    slot_.Publish(parts.get());
    parts_ = std::move(parts);
  }

  request_service::RequestServiceSlot slot_;
  std::unique_ptr<request_service::RequestServiceParts> parts_;
  std::string base_;
  std::unique_ptr<request_service::RequestService> service_;
  std::unique_ptr<request_service::TokenService> tokens_;
  common::HttpServer server_;  // last: stopped before anything its handlers use
};

}  // namespace vc::testing
