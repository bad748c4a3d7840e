// A local Jumio KYX platform on port 0: the OAuth2 token endpoint (Basic
// client credentials), POST /api/v1/accounts and the retrieval "details"
// endpoint, with bodies shaped like the recorded ones in
// specs/proofing-providers.md §2. Tokens can be revoked to provoke a 401.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/base/base64url.h"
#include "common/base/json.h"
#include "common/http/http_server.h"
#include "common/http/url.h"

namespace vc::testing {

class FakeJumio {
 public:
  FakeJumio(std::string client_id, std::string client_secret);
  ~FakeJumio() { server_->Shutdown(); }

  std::string url() const { return url_; }
  // The details body served for a workflow execution (default: INITIATED).
  void SetDetails(const std::string& execution_id, std::string body);
  void RevokeTokens();  // every issued token now gets 401
  int token_calls();
  int account_calls();
  int retrieval_calls();
  std::string last_account_body();
  std::string last_execution_id();
  std::string last_account_id();

  // A details body like the recorded PROCESSED/WARNING fixture.
  static std::string Details(const std::string& account, const std::string& execution,
                             const std::string& status, const std::string& decision,
                             const std::string& first_name = "", const std::string& last_name = "");

 private:
  bool Authorized(const common::HttpServerRequest& req);
  std::unique_ptr<common::HttpServer> server_;
  std::string client_id_, client_secret_, url_;
  std::mutex mu_;
  std::set<std::string> valid_tokens_;
  std::map<std::string, std::string> details_;
  int tokens_ = 0, accounts_ = 0, retrievals_ = 0;
  std::string last_account_body_, last_execution_, last_account_;
};

// ---- implementation (header-only: tests/fakes/*.cpp would be linked into every suite)

using common::HttpServerRequest;
using common::HttpServerResponse;

inline FakeJumio::FakeJumio(std::string client_id, std::string client_secret)
    : client_id_(std::move(client_id)), client_secret_(std::move(client_secret)) {
  server_ = std::make_unique<common::HttpServer>();
  server_->Route("POST", "/oauth2/token", [this](const HttpServerRequest& req) {
    const std::string expected = "Basic " + common::Base64Encode(client_id_ + ":" + client_secret_);
    auto form = common::ParseForm(req.body);
    std::lock_guard lock(mu_);
    ++tokens_;
    if (req.Header("authorization").value_or("") != expected || !form ||
        form->Get("grant_type") != "client_credentials") {
      return HttpServerResponse::Json(401, R"({"error":"invalid_client"})");
    }
    const std::string token = "tok-" + std::to_string(tokens_);
    valid_tokens_.insert(token);
    return HttpServerResponse::Json(
        200, R"({"access_token":")" + token + R"(","expires_in":3600,"token_type":"Bearer"})");
  });
  server_->Route("POST", "/api/v1/accounts", [this](const HttpServerRequest& req) {
    if (!Authorized(req)) return HttpServerResponse::Json(401, R"({"message":"Unauthorized"})");
    std::lock_guard lock(mu_);
    ++accounts_;
    last_account_body_ = req.body;
    last_account_ = "11111111-1111-1111-1111-" + std::to_string(100000000000 + accounts_);
    last_execution_ = "22222222-2222-2222-2222-" + std::to_string(100000000000 + accounts_);
    details_[last_execution_] = Details(last_account_, last_execution_, "INITIATED", "");
    return HttpServerResponse::Json(
        200, R"({"timestamp":"2021-05-19T14:55:08.187Z","account":{"id":")" + last_account_ +
                 R"("},"web":{"href":")" + url_ +
                 R"(/web/v4/app?authorizationToken=xxx&locale=en"},)"
                 R"("sdk":{"token":"xxx"},"workflowExecution":{"id":")" +
                 last_execution_ +
                 R"(","credentials":[{"id":"33333333-3333-3333-3333-aaaaaaaaaaaa","category":"ID",)"
                 R"("allowedChannels":["WEB","SDK"]}]}})");
  });
  server_->Route("GET", "/api/v1/accounts/:a/workflow-executions/:w",
                 [this](const HttpServerRequest& req) {
                   if (!Authorized(req))
                     return HttpServerResponse::Json(401, R"({"message":"Unauthorized"})");
                   std::lock_guard lock(mu_);
                   ++retrievals_;
                   auto it = details_.find(std::string(req.PathParam("w")));
                   if (it == details_.end())
                     return HttpServerResponse::Json(404, R"({"message":"Not Found"})");
                   return HttpServerResponse::Json(200, it->second);
                 });
  server_->Start();
  url_ = server_->BaseUrl();
}

inline bool FakeJumio::Authorized(const HttpServerRequest& req) {
  const std::string auth(req.Header("authorization").value_or(""));
  if (!req.Header("user-agent") || auth.rfind("Bearer ", 0) != 0) return false;
  std::lock_guard lock(mu_);
  return valid_tokens_.count(auth.substr(7)) > 0;
}

inline void FakeJumio::SetDetails(const std::string& execution_id, std::string body) {
  std::lock_guard lock(mu_);
  details_[execution_id] = std::move(body);
}
inline void FakeJumio::RevokeTokens() {
  std::lock_guard lock(mu_);
  valid_tokens_.clear();
}
inline int FakeJumio::token_calls() {
  std::lock_guard lock(mu_);
  return tokens_;
}
inline int FakeJumio::account_calls() {
  std::lock_guard lock(mu_);
  return accounts_;
}
inline int FakeJumio::retrieval_calls() {
  std::lock_guard lock(mu_);
  return retrievals_;
}
inline std::string FakeJumio::last_account_body() {
  std::lock_guard lock(mu_);
  return last_account_body_;
}
inline std::string FakeJumio::last_execution_id() {
  std::lock_guard lock(mu_);
  return last_execution_;
}
inline std::string FakeJumio::last_account_id() {
  std::lock_guard lock(mu_);
  return last_account_;
}

inline std::string FakeJumio::Details(const std::string& account, const std::string& execution,
                                      const std::string& status, const std::string& decision,
                                      const std::string& first_name, const std::string& last_name) {
  std::string body = R"({"workflow":{"id":")" + execution + R"(","status":")" + status +
                     R"(","definitionKey":"10013","customerInternalReference":"212560"},)"
                     R"("account":{"id":")" +
                     account + R"("},"createdAt":"2023-03-15T19:02:00.000Z")";
  if (!decision.empty()) {
    body += R"(,"decision":{"risk":{"score":40},"type":")" + decision +
            R"(","details":{"label":")" + decision +
            R"("}},"capabilities":{"liveness":[{"id":"l1","decision":{"type":"WARNING",)"
            R"("details":{"label":"BAD_QUALITY"}}}],"extraction":[{"id":"e1","decision":{"type":)"
            R"("PASSED","details":{"label":"OK"}},"data":{"issuingCountry":"UKR","firstName":")" +
            first_name + R"(","lastName":")" + last_name +
            R"(","dateOfBirth":"1990-03-07","type":"PASSPORT","expiryDate":"2031-01-31",)"
            R"("documentNumber":"P1234567"}}]})";
  }
  return body + "}";
}

}  // namespace vc::testing
