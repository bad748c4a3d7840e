// A local stand-in for Microsoft Entra Verified ID in front of a real Request
// Service: an OAuth client-credentials token endpoint at
// /{tenant}/oauth2/v2.0/token issuing opaque bearer tokens, and the create APIs
// under /v1.0 that refuse a missing, unknown or expired token with Entra's 401
// envelope and otherwise forward the body to the backing service (our embedded
// one, which also serves the wallet). ExpireTokens() makes the tokens handed out
// so far stop working, as when Entra's token expires before the client's cache
// notices.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/base/clock.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/http/url.h"
#include "credentials/request_service_client.h"

namespace vc::testing {

class EntraGateway {
 public:
  // `backend` reaches the backing Request Service with its own client.
  EntraGateway(std::string client_id, std::string client_secret,
               credentials::RequestServiceClientOptions backend)
      : client_id_(std::move(client_id)), client_secret_(std::move(client_secret)) {
    backend_ =
        std::make_unique<credentials::RequestServiceClient>(std::move(backend), http_, clock_);
    server_.Route("POST", "/tenant-1/oauth2/v2.0/token",
                  [this](const common::HttpServerRequest& r) { return Token(r); });
    server_.Route("POST", "/v1.0/verifiableCredentials/createIssuanceRequest",
                  [this](const common::HttpServerRequest& r) { return Create(r, true); });
    server_.Route("POST", "/v1.0/verifiableCredentials/createPresentationRequest",
                  [this](const common::HttpServerRequest& r) { return Create(r, false); });
    server_.Start();
  }

  std::string token_url() const { return server_.BaseUrl() + "/tenant-1/oauth2/v2.0/token"; }
  std::string api_base() const { return server_.BaseUrl() + "/v1.0"; }
  void ExpireTokens() {
    std::lock_guard l(mu_);
    tokens_.clear();
  }
  int token_requests() {
    std::lock_guard l(mu_);
    return token_requests_;
  }
  int unauthorized() {
    std::lock_guard l(mu_);
    return unauthorized_;
  }
  int forwarded() {
    std::lock_guard l(mu_);
    return forwarded_;
  }

 private:
  common::HttpServerResponse Token(const common::HttpServerRequest& req) {
    auto form = common::ParseForm(req.body);
    std::lock_guard l(mu_);
    ++token_requests_;
    if (!form || form->Get("grant_type") != "client_credentials" ||
        form->Get("client_id") != client_id_ ||
        !common::ConstantTimeEquals(form->Get("client_secret").value_or(""), client_secret_) ||
        form->Get("scope") != "3db474b9-6a0c-4840-96ac-1fceb342124f/.default") {
      return common::HttpServerResponse::Json(
          401,
          R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})");
    }
    const std::string token = common::RandomId(24);
    tokens_.insert(token);
    return common::HttpServerResponse::Json(
        200, R"({"token_type":"Bearer","expires_in":3599,"access_token":")" + token + R"("})");
  }

  common::HttpServerResponse Create(const common::HttpServerRequest& req, bool issuance) {
    const std::string auth(req.Header("authorization").value_or(""));
    {
      std::lock_guard l(mu_);
      if (auth.rfind("Bearer ", 0) != 0 || tokens_.count(auth.substr(7)) == 0) {
        ++unauthorized_;
        return common::HttpServerResponse::Json(
            401,
            R"({"requestId":"gw","date":"Sun, 22 Nov 2026 00:00:00 GMT","mscv":"x","error":{"code":"Unauthorized","message":"The request is not authorized.","innererror":{"code":"tokenError","message":"The provided access token is expired."}}})");
      }
      ++forwarded_;
    }
    auto created = issuance ? backend_->CreateIssuanceRequest(req.body)
                            : backend_->CreatePresentationRequest(req.body);
    if (!created) {
      return common::HttpServerResponse::Json(
          400,
          R"({"requestId":"gw","error":{"code":"badRequest","message":"The request is invalid.","innererror":{"code":"badOrMissingField","message":"backend refused"}}})");
    }
    common::JsonWriter w;
    w->StartObject();
    w->Key("requestId");
    w.String(created->request_id);
    w->Key("url");
    w.String(created->url);
    w->Key("expiry");
    w->Int64(created->expiry);
    w->EndObject();
    return common::HttpServerResponse::Json(201, w.str());
  }

  std::string client_id_, client_secret_;
  common::SystemClock clock_;
  common::CurlHttpClient http_;
  std::unique_ptr<credentials::RequestServiceClient> backend_;
  std::mutex mu_;
  std::set<std::string> tokens_;
  int token_requests_ = 0, unauthorized_ = 0, forwarded_ = 0;
  common::HttpServer server_;  // last: stopped first
};

}  // namespace vc::testing
