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

#include "common/base/crypto.h"
#include "common/http/http_server.h"
#include "common/http/url.h"
#include "issuer/alibaba_signer.h"

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

  static std::string Biz(const std::string& biz_code);   // a Code 200 body
  static std::string CodeOnly(const std::string& code);  // an error body

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

// ---- implementation (header-only: tests/fakes/*.cpp would be linked into every suite)

inline FakeAlibaba::FakeAlibaba(std::string access_key_id, std::string secret)
    : access_key_id_(std::move(access_key_id)), secret_(std::move(secret)) {
  server_ = std::make_unique<common::HttpServer>();
  server_->Route("POST", "/", [this](const common::HttpServerRequest& r) { return Handle(r); });
  server_->Start();
  url_ = server_->BaseUrl();
}

inline FakeAlibaba::~FakeAlibaba() { Stop(); }
inline void FakeAlibaba::Stop() { server_->Shutdown(); }

inline void FakeAlibaba::Script(const std::string& name,
                                std::vector<std::pair<int, std::string>> answers) {
  std::lock_guard lock(mu_);
  script_[name] = std::move(answers);
}

inline int FakeAlibaba::calls() {
  std::lock_guard lock(mu_);
  return calls_;
}
inline int FakeAlibaba::bad_signatures() {
  std::lock_guard lock(mu_);
  return bad_signatures_;
}
inline std::string FakeAlibaba::last_signature_kind() {
  std::lock_guard lock(mu_);
  return last_kind_;
}

inline std::string FakeAlibaba::Biz(const std::string& biz) {
  return R"({"RequestId":"130A2C10-B9EE-4D84-88E3-5384FF039795","Code":"200","Message":"success",)"
         R"("ResultObject":{"BizCode":")" +
         biz + R"("}})";
}
inline std::string FakeAlibaba::CodeOnly(const std::string& code) {
  return R"({"RequestId":"24394B83-0000","HostId":"cloudauth.aliyuncs.com","Code":")" + code +
         R"(","Message":"error"})";
}

inline bool FakeAlibaba::CheckV3(const common::HttpServerRequest& req) {
  const std::string auth(req.Header("authorization").value_or(""));
  const std::string hash = common::HexEncode(common::Sha256(req.body));
  if (req.Header("x-acs-content-sha256").value_or("") != hash) return false;
  issuer::Acs3Request r;
  r.method = req.method;
  r.path = req.path;
  r.query = req.query.list();
  r.headers = req.headers;
  r.payload_hash_hex = hash;
  const auto s = issuer::SignAcs3(r, access_key_id_, secret_);
  return s.signed_headers.find("host") != std::string::npos &&
         s.signed_headers.find("x-acs-signature-nonce") != std::string::npos &&
         common::ConstantTimeEquals(auth, s.authorization);
}

inline bool FakeAlibaba::CheckV1(const common::HttpServerRequest& req) {
  auto form = common::ParseForm(req.body);
  if (!form) return false;
  common::NameValueList params;
  std::string signature;
  for (const auto& [k, v] : req.query.list()) {
    if (k == "Signature")
      signature = v;
    else
      params.emplace_back(k, v);
  }
  params.insert(params.end(), form->list().begin(), form->list().end());
  return !signature.empty() &&
         common::ConstantTimeEquals(signature, issuer::RpcSignature(req.method, params, secret_));
}

inline common::HttpServerResponse FakeAlibaba::Handle(const common::HttpServerRequest& req) {
  const bool v3 = req.Header("authorization").has_value();
  const bool ok = v3 ? CheckV3(req) : CheckV1(req);
  auto form = common::ParseForm(req.body);
  const std::string name(form ? form->Get("UserName").value_or("") : "");
  std::lock_guard lock(mu_);
  ++calls_;
  last_kind_ = v3 ? "v3" : "v1";
  if (!ok) {
    ++bad_signatures_;
    return common::HttpServerResponse::Json(400, CodeOnly("SignatureDoesNotMatch"));
  }
  auto it = script_.find(name);
  if (it == script_.end() || it->second.empty()) {
    return common::HttpServerResponse::Json(400, CodeOnly("400"));  // empty parameters
  }
  auto answer = it->second.front();
  if (it->second.size() > 1) it->second.erase(it->second.begin());
  return common::HttpServerResponse::Json(answer.first, answer.second);
}

}  // namespace vc::testing
