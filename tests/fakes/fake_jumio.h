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

#include "common/http_server.h"

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

}  // namespace vc::testing
