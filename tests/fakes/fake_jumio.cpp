#include "tests/fakes/fake_jumio.h"

#include "common/base64url.h"
#include "common/json.h"
#include "common/url.h"

namespace vc::testing {
using common::HttpServerRequest;
using common::HttpServerResponse;

FakeJumio::FakeJumio(std::string client_id, std::string client_secret)
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
    return HttpServerResponse::Json(200,
        R"({"timestamp":"2021-05-19T14:55:08.187Z","account":{"id":")" + last_account_ +
        R"("},"web":{"href":")" + url_ + R"(/web/v4/app?authorizationToken=xxx&locale=en"},)"
        R"("sdk":{"token":"xxx"},"workflowExecution":{"id":")" + last_execution_ +
        R"(","credentials":[{"id":"33333333-3333-3333-3333-aaaaaaaaaaaa","category":"ID",)"
        R"("allowedChannels":["WEB","SDK"]}]}})");
  });
  server_->Route("GET", "/api/v1/accounts/:a/workflow-executions/:w",
                 [this](const HttpServerRequest& req) {
    if (!Authorized(req)) return HttpServerResponse::Json(401, R"({"message":"Unauthorized"})");
    std::lock_guard lock(mu_);
    ++retrievals_;
    auto it = details_.find(std::string(req.PathParam("w")));
    if (it == details_.end()) return HttpServerResponse::Json(404, R"({"message":"Not Found"})");
    return HttpServerResponse::Json(200, it->second);
  });
  server_->Start();
  url_ = server_->BaseUrl();
}

bool FakeJumio::Authorized(const HttpServerRequest& req) {
  const std::string auth(req.Header("authorization").value_or(""));
  if (!req.Header("user-agent") || auth.rfind("Bearer ", 0) != 0) return false;
  std::lock_guard lock(mu_);
  return valid_tokens_.count(auth.substr(7)) > 0;
}

void FakeJumio::SetDetails(const std::string& execution_id, std::string body) {
  std::lock_guard lock(mu_);
  details_[execution_id] = std::move(body);
}
void FakeJumio::RevokeTokens() {
  std::lock_guard lock(mu_);
  valid_tokens_.clear();
}
int FakeJumio::token_calls() { std::lock_guard lock(mu_); return tokens_; }
int FakeJumio::account_calls() { std::lock_guard lock(mu_); return accounts_; }
int FakeJumio::retrieval_calls() { std::lock_guard lock(mu_); return retrievals_; }
std::string FakeJumio::last_account_body() { std::lock_guard lock(mu_); return last_account_body_; }
std::string FakeJumio::last_execution_id() { std::lock_guard lock(mu_); return last_execution_; }
std::string FakeJumio::last_account_id() { std::lock_guard lock(mu_); return last_account_; }

std::string FakeJumio::Details(const std::string& account, const std::string& execution,
                               const std::string& status, const std::string& decision,
                               const std::string& first_name, const std::string& last_name) {
  std::string body = R"({"workflow":{"id":")" + execution + R"(","status":")" + status +
                     R"(","definitionKey":"10013","customerInternalReference":"212560"},)"
                     R"("account":{"id":")" + account + R"("},"createdAt":"2023-03-15T19:02:00.000Z")";
  if (!decision.empty()) {
    body += R"(,"decision":{"risk":{"score":40},"type":")" + decision + R"(","details":{"label":")" +
            decision + R"("}},"capabilities":{"liveness":[{"id":"l1","decision":{"type":"WARNING",)"
            R"("details":{"label":"BAD_QUALITY"}}}],"extraction":[{"id":"e1","decision":{"type":)"
            R"("PASSED","details":{"label":"OK"}},"data":{"issuingCountry":"UKR","firstName":")" +
            first_name + R"(","lastName":")" + last_name + R"(","dateOfBirth":"1990-03-07"}}]})";
  }
  return body + "}";
}

}  // namespace vc::testing
