// A local Alibaba Cloud Cloudauth endpoint on port 0 that re-computes each
// request's signature (V3 from the headers and body, V1 from query + form)
// and answers like the gateway: SignatureDoesNotMatch on a bad signature,
// otherwise the scripted Id2MetaVerify answer for the request's UserName.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/http_server.h"

namespace vc::testing {

class FakeAlibaba {
 public:
  explicit FakeAlibaba(std::string access_key_id, std::string secret);
  ~FakeAlibaba();

  // The answer for UserName == name: {HTTP status, JSON body}, used once per
  // entry in order (the last one repeats).
  void Script(const std::string& name, std::vector<std::pair<int, std::string>> answers);
  std::string url() const { return url_; }
  int calls();
  int bad_signatures();
  std::string last_signature_kind();  // "v3" or "v1"
  void Stop();

  static std::string Biz(const std::string& biz_code);  // a Code 200 body
  static std::string CodeOnly(const std::string& code); // an error body

 private:
  common::HttpServerResponse Handle(const common::HttpServerRequest& req);
  bool CheckV3(const common::HttpServerRequest& req);
  bool CheckV1(const common::HttpServerRequest& req);

  std::string access_key_id_;
  std::string secret_;
  std::unique_ptr<common::HttpServer> server_;
  std::string url_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::pair<int, std::string>>> script_;
  int calls_ = 0;
  int bad_signatures_ = 0;
  std::string last_kind_;
};

}  // namespace vc::testing
