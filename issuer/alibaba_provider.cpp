#include "issuer/alibaba_provider.h"

#include <ctime>
#include <thread>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "issuer/alibaba_signer.h"
#include "issuer/proofing_error.h"
#include "issuer/sandbox_provider.h"

namespace vc::issuer {
using common::Error;
using common::Result;
using common::Status;

namespace {

constexpr const char* kAction = "Id2MetaVerify";
constexpr const char* kVersion = "2019-03-07";

std::string IsoTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// "host[:port]" of an endpoint URL, as the Host header carries it.
std::string HostOf(const std::string& endpoint) {
  std::string rest =
      endpoint.substr(endpoint.find("://") == std::string::npos ? 0 : endpoint.find("://") + 3);
  return rest.substr(0, rest.find('/'));
}

Error Unavailable(const std::string& why) { return Error{"provider_unavailable", why}; }

}  // namespace

Result<ProviderVerdict> MapId2MetaResponse(long http_status, std::string_view body) {
  auto doc = common::ParseJsonObject(body);
  const std::string code = doc ? std::string(common::GetString(*doc, "Code").value_or("")) : "";
  if (http_status >= 500 || code == "402" || code == "500") {
    return Unavailable("Alibaba Cloud answered " + std::to_string(http_status) + " Code " + code);
  }
  if (http_status != 200 || code != "200") {
    return Error{"provider_error", "Alibaba Cloud refused the call: HTTP " +
                                       std::to_string(http_status) + " Code " + code};
  }
  const rapidjson::Value* result = common::GetObject(*doc, "ResultObject");
  const std::string biz =
      result ? std::string(common::GetString(*result, "BizCode").value_or("")) : "";
  ProviderVerdict v;
  if (biz == "1")
    v.outcome = ProofingOutcome::kVerified;
  else if (biz == "2")
    v.outcome = ProofingOutcome::kMismatch;
  else if (biz == "3")
    v.outcome = ProofingOutcome::kNoRecord;
  else
    return Error{"provider_error", "Alibaba Cloud answered without a known BizCode"};
  v.reason = "biz_code_" + biz;
  return v;
}

AlibabaProvider::AlibabaProvider(AlibabaOptions options, common::HttpClient& http,
                                 const common::Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {
  if (!options_.backoff) {
    options_.backoff = [](int64_t ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    };
  }
}

Status AlibabaProvider::Validate(const ClaimedIdentity& c) const {
  if (c.id_card_type != "PRC_ID") {
    return Error{"invalid_input", "This check accepts PRC resident ID cards only."};
  }
  if (!IsValidPrcResidentId(c.id_card_number)) {
    return Error{"invalid_input",
                 "A PRC resident ID has 17 digits and a check digit (0-9 or X), "
                 "and the check digit must match."};
  }
  return Status::Ok();
}

common::HttpRequest AlibabaProvider::BuildRequest(const common::NameValueList& business) const {
  common::HttpRequest req;
  req.method = "POST";
  req.url = options_.endpoint + "/";
  req.body = common::FormUrlEncode(business);
  const std::string nonce = common::HexEncode(common::RandomBytes(16));
  const std::string now = IsoTime(clock_.NowSeconds());
  if (options_.v1_signature) {
    common::NameValueList query = {{"AccessKeyId", options_.access_key_id},
                                   {"Action", kAction},
                                   {"Format", "JSON"},
                                   {"SignatureMethod", "HMAC-SHA1"},
                                   {"SignatureNonce", nonce},
                                   {"SignatureVersion", "1.0"},
                                   {"Timestamp", now},
                                   {"Version", kVersion}};
    common::NameValueList all = query;
    all.insert(all.end(), business.begin(), business.end());
    query.emplace_back("Signature", RpcSignature("POST", all, options_.access_key_secret));
    req.url = common::BuildUrl(req.url, query);
    req.headers = {{"content-type", "application/x-www-form-urlencoded"},
                   {"accept", "application/json"}};
    return req;
  }
  Acs3Request signing;
  signing.method = "POST";
  signing.path = "/";
  signing.payload_hash_hex = common::HexEncode(common::Sha256(req.body));
  signing.headers = {{"host", HostOf(options_.endpoint)},
                     {"x-acs-action", kAction},
                     {"x-acs-version", kVersion},
                     {"x-acs-date", now},
                     {"x-acs-signature-nonce", nonce},
                     {"x-acs-content-sha256", signing.payload_hash_hex},
                     {"content-type", "application/x-www-form-urlencoded"}};
  req.headers = signing.headers;
  req.headers.emplace_back("accept", "application/json");
  req.headers.emplace_back(
      "authorization",
      SignAcs3(signing, options_.access_key_id, options_.access_key_secret).authorization);
  return req;
}

Result<ProviderVerdict> AlibabaProvider::Call(const common::NameValueList& params) {
  Error last = Unavailable("not attempted");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    if (attempt > 0) options_.backoff(int64_t{200} << attempt);
    auto resp = http_.Send(BuildRequest(params));  // new nonce and date each time
    if (!resp) {
      last = Unavailable("Alibaba Cloud unreachable: " + resp.error().code);
      continue;
    }
    auto verdict = MapId2MetaResponse(resp->status, resp->body);
    if (verdict || FromLower(verdict.error()).reason != ProofingError::kProviderUnavailable) {
      return verdict;
    }
    last = verdict.error();
  }
  common::LogWarn("alibaba_unavailable", {{"reason", last.message}});
  return last;
}

Result<StartResult> AlibabaProvider::Start(const ProofingStart& start) {
  auto verdict = Call({{"ParamType", "normal"},
                       {"IdentifyNum", start.claimed.id_card_number},
                       {"UserName", start.claimed.real_name}});
  if (!verdict) return verdict.error();
  StartResult r;
  r.reference = start.attempt_id;  // the API returns only a RequestId, not a lookup key
  r.verdict = std::move(*verdict);
  if (r.verdict.outcome == ProofingOutcome::kVerified) {
    r.verdict.claims["realName"] = start.claimed.real_name;
  }
  return r;
}

Result<ProviderVerdict> AlibabaProvider::Fetch(const std::string&) {
  return Error{"not_supported", "Id2MetaVerify is synchronous"};
}

Result<CallbackEvent> AlibabaProvider::AuthenticateCallback(const CallbackInput&) {
  return Error{"callback_unauthenticated", "Alibaba Cloud sends no callbacks"};
}

Status AlibabaProvider::Test() {
  auto resp =
      http_.Send(BuildRequest({{"ParamType", "normal"}, {"IdentifyNum", ""}, {"UserName", ""}}));
  if (!resp) return Unavailable("Alibaba Cloud unreachable: " + resp.error().code);
  auto doc = common::ParseJsonObject(resp->body);
  const std::string code = doc ? std::string(common::GetString(*doc, "Code").value_or("")) : "";
  if (resp->status == 200 || code == "400" || code == "401") return Status::Ok();
  return Error{"provider_error", "Alibaba Cloud refused the credentials: HTTP " +
                                     std::to_string(resp->status) + " Code " + code};
}

}  // namespace vc::issuer
