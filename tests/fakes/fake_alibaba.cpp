#include "tests/fakes/fake_alibaba.h"

#include "common/crypto.h"
#include "common/url.h"
#include "issuer/alibaba_signer.h"

namespace vc::testing {

FakeAlibaba::FakeAlibaba(std::string access_key_id, std::string secret)
    : access_key_id_(std::move(access_key_id)), secret_(std::move(secret)) {
  server_ = std::make_unique<common::HttpServer>();
  server_->Route("POST", "/", [this](const common::HttpServerRequest& r) { return Handle(r); });
  server_->Start();
  url_ = server_->BaseUrl();
}

FakeAlibaba::~FakeAlibaba() { Stop(); }
void FakeAlibaba::Stop() { server_->Shutdown(); }

void FakeAlibaba::Script(const std::string& name, std::vector<std::pair<int, std::string>> answers) {
  std::lock_guard lock(mu_);
  script_[name] = std::move(answers);
}

int FakeAlibaba::calls() {
  std::lock_guard lock(mu_);
  return calls_;
}
int FakeAlibaba::bad_signatures() {
  std::lock_guard lock(mu_);
  return bad_signatures_;
}
std::string FakeAlibaba::last_signature_kind() {
  std::lock_guard lock(mu_);
  return last_kind_;
}

std::string FakeAlibaba::Biz(const std::string& biz) {
  return R"({"RequestId":"130A2C10-B9EE-4D84-88E3-5384FF039795","Code":"200","Message":"success",)"
         R"("ResultObject":{"BizCode":")" + biz + R"("}})";
}
std::string FakeAlibaba::CodeOnly(const std::string& code) {
  return R"({"RequestId":"24394B83-0000","HostId":"cloudauth.aliyuncs.com","Code":")" + code +
         R"(","Message":"error"})";
}

bool FakeAlibaba::CheckV3(const common::HttpServerRequest& req) {
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

bool FakeAlibaba::CheckV1(const common::HttpServerRequest& req) {
  auto form = common::ParseForm(req.body);
  if (!form) return false;
  common::NameValueList params;
  std::string signature;
  for (const auto& [k, v] : req.query.list()) {
    if (k == "Signature") signature = v;
    else params.emplace_back(k, v);
  }
  params.insert(params.end(), form->list().begin(), form->list().end());
  return !signature.empty() &&
         common::ConstantTimeEquals(signature, issuer::RpcSignature(req.method, params, secret_));
}

common::HttpServerResponse FakeAlibaba::Handle(const common::HttpServerRequest& req) {
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
