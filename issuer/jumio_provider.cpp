#include "issuer/jumio_provider.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/base/base64url.h"
#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/http/url.h"

namespace vc::issuer {
using common::Error;
using common::Result;
using common::Status;

namespace {

constexpr size_t kMacHexChars = 32;

std::string Host(const JumioOptions& o, const std::string& service) {
  if (!o.base_url.empty()) return o.base_url;
  return "https://" + service + "." + o.region + ".jumio.ai";
}

std::string Str(const rapidjson::Value& obj, const char* key) {
  return std::string(common::GetString(obj, key).value_or(""));
}

// Extracted claims from capabilities.extraction[0].data, under Entra's IDV
// claim names (docs/proofing.md): firstName, lastName, dateOfBirth,
// issuingCountry as Jumio names them; type -> documentType, expiryDate ->
// documentExpiryDate. documentNumber is not kept in the claims (they are
// stored in clear) but only compared with the claimed number: documentId comes
// from the encrypted ID number of the record.
void ExtractClaims(const rapidjson::Value& doc, ProviderVerdict& v) {
  std::map<std::string, std::string>& claims = v.claims;
  const rapidjson::Value* caps = common::GetObject(doc, "capabilities");
  const rapidjson::Value* extraction = caps ? common::GetArray(*caps, "extraction") : nullptr;
  if (!extraction || extraction->Empty() || !(*extraction)[0].IsObject()) return;
  const rapidjson::Value* data = common::GetObject((*extraction)[0], "data");
  if (!data) return;
  for (const auto& [jumio, ours] : {std::pair{"firstName", "firstName"},
                                    {"lastName", "lastName"},
                                    {"dateOfBirth", "dateOfBirth"},
                                    {"issuingCountry", "issuingCountry"},
                                    {"type", "documentType"},
                                    {"expiryDate", "documentExpiryDate"}}) {
    if (auto value = common::GetString(*data, jumio)) claims[ours] = std::string(*value);
  }
  v.document_number = std::string(common::GetString(*data, "documentNumber").value_or(""));
}

}  // namespace

int64_t ParseJumioTimestampMs(std::string_view text) {
  std::tm tm{};
  int millis = 0;
  char z = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis, &z) != 8 ||
      z != 'Z') {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

Result<ProviderVerdict> MapJumioDetails(std::string_view body, bool warning_is_rejection) {
  auto doc = common::ParseJsonObject(body);
  if (!doc) return Error{"provider_error", "Jumio details are not JSON"};
  const rapidjson::Value* workflow = common::GetObject(*doc, "workflow");
  const std::string status = workflow ? Str(*workflow, "status") : "";
  const rapidjson::Value* decision = common::GetObject(*doc, "decision");
  const std::string type = decision ? Str(*decision, "type") : "";
  ProviderVerdict v;
  if (status == "INITIATED" || status == "ACQUIRED") return v;  // pending
  if (status == "SESSION_EXPIRED" || status == "TOKEN_EXPIRED") {
    v.outcome = ProofingOutcome::kExpired;
    v.reason = "jumio_" + status;
    return v;
  }
  if (status != "PROCESSED") return Error{"provider_error", "unknown Jumio workflow status"};
  if (type == "PASSED")
    v.outcome = ProofingOutcome::kVerified;
  else if (type == "REJECTED")
    v.outcome = ProofingOutcome::kRejected;
  else if (type == "WARNING")
    v.outcome = warning_is_rejection ? ProofingOutcome::kRejected : ProofingOutcome::kNeedsReview;
  else if (type == "NOT_EXECUTED")
    v.outcome = ProofingOutcome::kExpired;
  else
    return Error{"provider_error", "unknown Jumio decision type"};
  v.reason = "jumio_" + type;
  ExtractClaims(*doc, v);
  return v;
}

JumioProvider::JumioProvider(JumioOptions options, common::HttpClient& http,
                             const common::Clock& clock)
    : options_(std::move(options)), http_(http), clock_(clock) {}

std::string JumioProvider::TokenUrl() const { return Host(options_, "auth") + "/oauth2/token"; }
std::string JumioProvider::AccountsUrl() const {
  return Host(options_, "account") + "/api/v1/accounts";
}
std::string JumioProvider::RetrievalUrl(const std::string& account,
                                        const std::string& execution) const {
  return Host(options_, "retrieval") + "/api/v1/accounts/" + common::PercentEncode(account) +
         "/workflow-executions/" + common::PercentEncode(execution);
}

std::string JumioProvider::UserReference(const std::string& attempt_id, int64_t now_ms) const {
  const std::string ts = std::to_string(now_ms);
  const std::string mac =
      common::HexEncode(common::HmacSha256(options_.callback_secret, ts + "." + attempt_id));
  return "t=" + ts + ",r=" + attempt_id + ",v1=" + mac.substr(0, kMacHexChars);
}

bool JumioProvider::CheckUserReference(std::string_view value, std::string* attempt_id) const {
  auto field = [&](std::string_view name) -> std::string {
    for (size_t start = 0; start <= value.size();) {
      size_t end = value.find(',', start);
      if (end == std::string_view::npos) end = value.size();
      std::string_view part = value.substr(start, end - start);
      if (part.substr(0, name.size() + 1) == std::string(name) + "=") {
        return std::string(part.substr(name.size() + 1));
      }
      start = end + 1;
    }
    return "";
  };
  const std::string ts = field("t"), attempt = field("r"), mac = field("v1");
  if (ts.empty() || attempt.empty() || mac.size() != kMacHexChars) return false;
  const std::string expected =
      common::HexEncode(common::HmacSha256(options_.callback_secret, ts + "." + attempt));
  if (!common::ConstantTimeEquals(mac, expected.substr(0, kMacHexChars))) return false;
  *attempt_id = attempt;
  return true;
}

Status JumioProvider::Validate(const ClaimedIdentity& c) const {
  if (c.id_card_number.size() < 4) {
    return Error{"invalid_input", "The ID card number looks too short."};
  }
  return Status::Ok();
}

Result<std::string> JumioProvider::Token(bool force_refresh) {
  std::lock_guard lock(mu_);
  const int64_t now = clock_.NowSeconds();
  if (!force_refresh && !token_.empty() && now < token_expires_at_) return token_;
  const std::string basic = common::Base64Encode(options_.client_id + ":" + options_.client_secret);
  auto resp = common::PostForm(http_, TokenUrl(), {{"grant_type", "client_credentials"}},
                               {{"Authorization", "Basic " + basic},
                                {"Accept", "application/json"},
                                {"User-Agent", options_.user_agent}});
  if (!resp) return Error{"provider_unavailable", "Jumio token endpoint unreachable"};
  if (resp->status != 200) {
    return Error{"provider_error",
                 "Jumio refused the credentials (HTTP " + std::to_string(resp->status) + ")"};
  }
  auto doc = common::ParseJsonObject(resp->body);
  auto token = doc ? common::GetString(*doc, "access_token") : std::nullopt;
  if (!token || token->empty())
    return Error{"provider_error", "Jumio token response without a token"};
  token_ = std::string(*token);
  const int64_t lifetime = common::GetInt64(*doc, "expires_in").value_or(3600);
  token_expires_at_ = now + std::max<int64_t>(0, lifetime - options_.token_refresh_margin_seconds);
  return token_;
}

Result<common::HttpResponse> JumioProvider::SendAuthorized(common::HttpRequest request) {
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", options_.user_agent);
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = Token(attempt > 0);
    if (!token) return token.error();
    common::HttpRequest r = request;
    r.headers.emplace_back("Authorization", "Bearer " + *token);
    auto resp = http_.Send(r);
    if (!resp) return Error{"provider_unavailable", "Jumio unreachable: " + resp.error().code};
    if (resp->status != 401) return resp;
  }
  return Error{"provider_error", "Jumio refused a fresh token (401)"};
}

std::string JumioProvider::AccountBody(const ProofingStart& start) const {
  common::JsonWriter w;
  w->StartObject();
  w.Member("customerInternalReference", start.attempt_id);
  w.Member("userReference", UserReference(start.attempt_id, clock_.NowMillis()));
  w->Key("workflowDefinition");
  w->StartObject();
  w.Member("key", options_.workflow_key);
  w->EndObject();
  w.Member("callbackUrl", start.callback_url);
  w->Key("web");
  w->StartObject();
  w.Member("successUrl", start.return_url);
  w.Member("errorUrl", start.return_url);
  w->EndObject();
  w->EndObject();
  return w.str();
}

Result<StartResult> JumioProvider::Start(const ProofingStart& start) {
  common::HttpRequest req;
  req.method = "POST";
  req.url = AccountsUrl();
  req.body = AccountBody(start);
  req.headers = {{"Content-Type", "application/json"}};
  auto resp = SendAuthorized(req);
  if (!resp) return resp.error();
  if (resp->status != 200) {
    return Error{resp->status >= 500 ? "provider_unavailable" : "provider_error",
                 "Jumio refused the account (HTTP " + std::to_string(resp->status) + ")"};
  }
  auto doc = common::ParseJsonObject(resp->body);
  const rapidjson::Value* account = doc ? common::GetObject(*doc, "account") : nullptr;
  const rapidjson::Value* execution = doc ? common::GetObject(*doc, "workflowExecution") : nullptr;
  const rapidjson::Value* web = doc ? common::GetObject(*doc, "web") : nullptr;
  const std::string href = web ? Str(*web, "href") : "";
  if (!account || !execution || Str(*account, "id").empty() || Str(*execution, "id").empty() ||
      !common::ParseUrl(href)) {
    return Error{"provider_error", "Jumio account response lacks ids or web.href"};
  }
  StartResult r;
  r.reference = Str(*account, "id") + "/" + Str(*execution, "id");
  r.redirect_url = href;
  return r;
}

Result<ProviderVerdict> JumioProvider::Fetch(const std::string& reference) {
  const auto slash = reference.find('/');
  if (slash == std::string::npos) return Error{"attempt_not_found", "malformed Jumio reference"};
  common::HttpRequest req;
  req.url = RetrievalUrl(reference.substr(0, slash), reference.substr(slash + 1));
  auto resp = SendAuthorized(req);
  if (!resp) return resp.error();
  if (resp->status == 404) return ProviderVerdict{};  // not ready to retrieve yet
  if (resp->status != 200) {
    return Error{resp->status >= 500 ? "provider_unavailable" : "provider_error",
                 "Jumio retrieval failed (HTTP " + std::to_string(resp->status) + ")"};
  }
  return MapJumioDetails(resp->body, options_.warning_is_rejection);
}

Result<CallbackEvent> JumioProvider::AuthenticateCallback(const CallbackInput& in) {
  const Error refused{"callback_unauthenticated", "the callback is not from our Jumio account"};
  if (!options_.callback_ips.empty() &&
      std::find(options_.callback_ips.begin(), options_.callback_ips.end(), in.remote_ip) ==
          options_.callback_ips.end()) {
    return refused;
  }
  auto doc = common::ParseJsonObject(in.body);
  if (!doc) return refused;
  const rapidjson::Value* execution = common::GetObject(*doc, "workflowExecution");
  const rapidjson::Value* account = common::GetObject(*doc, "account");
  CallbackEvent e;
  if (!execution || !account ||
      !CheckUserReference(common::GetString(*doc, "userReference").value_or(""), &e.attempt_id)) {
    return refused;
  }
  e.event_id = Str(*execution, "id");
  e.reference = Str(*account, "id") + "/" + e.event_id;
  e.status = Str(*execution, "status");
  e.sent_at_ms = ParseJumioTimestampMs(Str(*doc, "callbackSentAt"));
  if (e.event_id.empty() || Str(*account, "id").empty()) return refused;
  return e;
}

Status JumioProvider::Test() {
  auto token = Token(true);
  if (!token) return token.error();
  return Status::Ok();
}

}  // namespace vc::issuer
