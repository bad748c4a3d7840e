#include "credentials/request_service_client.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>
#include <utility>

#include "common/base/crypto.h"
#include "common/base/json.h"
#include "common/http/url.h"
#include "common/jose/jws.h"

namespace vc::credentials {
namespace {

using common::Error;
using common::HttpResponse;
using common::MakeError;
using common::Result;

constexpr int64_t kRefreshMarginSeconds = 300;
constexpr int64_t kAssertionLifetimeSeconds = 300;
constexpr int64_t kDefaultRetryAfterSeconds = 1;

std::optional<int64_t> ParseSeconds(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// Entra sends expires_in as a number; some OAuth servers send it as a string.
std::optional<int64_t> ExpiresIn(const rapidjson::Value& doc) {
  if (auto n = common::GetInt64(doc, "expires_in")) return n;
  if (auto s = common::GetString(doc, "expires_in")) return ParseSeconds(*s);
  return std::nullopt;
}

Error TokenEndpointError(const HttpResponse& response) {
  auto doc = common::ParseJsonObject(response.body);
  auto error = doc ? common::GetString(*doc, "error") : std::nullopt;
  if (!error || error->empty()) {
    return MakeError("token_request_failed", "token endpoint answered HTTP " +
                                                 std::to_string(response.status) +
                                                 " without an access token or an OAuth error");
  }
  std::string description(common::GetString(*doc, "error_description").value_or(""));
  return MakeError("token_" + std::string(*error),
                   "token endpoint refused (HTTP " + std::to_string(response.status) + "): " +
                       std::string(*error) + (description.empty() ? "" : ": " + description));
}

// §4: {"error":{"code","message","innererror":{"code","message","target"}}}. nullopt
// when the body is not that envelope.
struct Envelope {
  std::string code, message, inner_code, inner_message, target;
};

std::optional<Envelope> ParseEnvelope(const std::string& body) {
  auto doc = common::ParseJsonObject(body);
  if (!doc) return std::nullopt;
  const rapidjson::Value* error = common::GetObject(*doc, "error");
  if (error == nullptr) return std::nullopt;
  Envelope e;
  e.code = common::GetString(*error, "code").value_or("");
  e.message = common::GetString(*error, "message").value_or("");
  if (const rapidjson::Value* inner = common::GetObject(*error, "innererror")) {
    e.inner_code = common::GetString(*inner, "code").value_or("");
    e.inner_message = common::GetString(*inner, "message").value_or("");
    e.target = common::GetString(*inner, "target").value_or("");
  }
  if (e.code.empty() && e.inner_code.empty()) return std::nullopt;
  return e;
}

Error ApiError(const HttpResponse& response) {
  std::string status = "HTTP " + std::to_string(response.status);
  auto e = ParseEnvelope(response.body);
  if (!e) {
    return MakeError("request_service_http_" + std::to_string(response.status),
                     "Request Service answered " + status + " without an error envelope");
  }
  std::string message = "Request Service answered " + status + " " + e->code;
  if (!e->message.empty()) message += " (" + e->message + ")";
  if (!e->inner_code.empty()) message += ": " + e->inner_code;
  if (!e->inner_message.empty()) message += ": " + e->inner_message;
  if (!e->target.empty()) message += " [target: " + e->target + "]";
  return MakeError("request_service_" + (e->inner_code.empty() ? e->code : e->inner_code), message);
}

bool Retryable(const HttpResponse& response) {
  if (response.status == 429 || response.status == 503) return true;
  if (response.status < 400) return false;
  auto e = ParseEnvelope(response.body);
  return e && e->inner_code == "transientError";
}

Result<CreatedRequest> ParseCreated(const HttpResponse& response) {
  auto doc = common::ParseJsonObject(response.body);
  if (!doc) return MakeError("request_service_invalid_response", doc.error().message);
  auto id = common::GetString(*doc, "requestId");
  auto url = common::GetString(*doc, "url");
  auto expiry = common::GetInt64(*doc, "expiry");
  if (!id || !url || !expiry) {
    return MakeError("request_service_invalid_response",
                     "201 answer lacks a string requestId, a string url or an integer expiry");
  }
  CreatedRequest created{std::string(*id), std::string(*url), *expiry, std::nullopt};
  if (auto qr = common::GetString(*doc, "qrCode")) created.qr_code = std::string(*qr);
  return created;
}

}  // namespace

RequestServiceClientOptions RequestServiceClientOptions::FromConfig(
    const common::RequestServiceConfig& config) {
  RequestServiceClientOptions o;
  o.base_url = config.base_url;
  o.token_url = config.token_url;
  o.client_id = config.client_id;
  o.client_secret = config.client_secret;
  o.scope = config.scope;
  return o;
}

void SleepFor(int64_t millis) { std::this_thread::sleep_for(std::chrono::milliseconds(millis)); }

RequestServiceClient::RequestServiceClient(RequestServiceClientOptions options,
                                           common::HttpClient& http, const common::Clock& clock,
                                           RetrySleeper sleeper)
    : options_(std::move(options)), http_(http), clock_(clock), sleeper_(std::move(sleeper)) {}

int RequestServiceClient::token_requests() const {
  std::lock_guard lock(mu_);
  return token_requests_;
}

Result<std::string> RequestServiceClient::AccessToken(const std::string& rejected) {
  // Held across the fetch so that concurrent callers wait for one refresh, not start many.
  std::lock_guard lock(mu_);
  if (!token_.empty() && token_ != rejected && clock_.NowSeconds() < token_refresh_at_) {
    return token_;
  }
  return FetchToken();
}

Result<std::string> RequestServiceClient::TokenForm() {
  common::NameValueList fields{{"grant_type", "client_credentials"},
                               {"client_id", options_.client_id},
                               {"scope", options_.scope}};
  if (!options_.assertion_key) {
    fields.emplace_back("client_secret", options_.client_secret);
    return common::FormUrlEncode(fields);
  }
  // RFC 7523 §3: iss = sub = client_id, aud = the token endpoint, a unique jti.
  const int64_t now = clock_.NowSeconds();
  common::JsonWriter w;
  w->StartObject();
  for (const char* key : {"iss", "sub"}) {
    w->Key(key);
    w.String(options_.client_id);
  }
  w.Member("aud", options_.token_url);
  w.Member("jti", common::RandomId());
  w.Member("iat", now);
  w.Member("nbf", now);
  w.Member("exp", now + kAssertionLifetimeSeconds);
  w->EndObject();
  const common::Jwk& key = *options_.assertion_key;
  auto jwt =
      common::SignCompact(key, options_.assertion_alg, w.str(), {"JWT", key.Thumbprint(), ""});
  if (!jwt) return jwt.error();
  fields.emplace_back("client_assertion_type",
                      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  fields.emplace_back("client_assertion", *jwt);
  return common::FormUrlEncode(fields);
}

Result<std::string> RequestServiceClient::FetchToken() {
  auto form = TokenForm();
  if (!form) return form.error();
  common::HttpRequest request;
  request.method = "POST";
  request.url = options_.token_url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = std::move(*form);
  request.timeout_ms = options_.timeout_ms;
  request.connect_timeout_ms = options_.connect_timeout_ms;
  ++token_requests_;
  auto response = http_.Send(request);
  if (!response) return response.error();
  if (response->status != 200) return TokenEndpointError(*response);
  auto doc = common::ParseJsonObject(response->body);
  auto token = doc ? common::GetString(*doc, "access_token") : std::nullopt;
  const auto expires_in = doc ? ExpiresIn(*doc) : std::nullopt;
  if (!token || token->empty() || !expires_in) return TokenEndpointError(*response);
  // Copied out of the optional: GCC 12 at -O1 (the TSan build) flags std::min
  // over an optional's value as maybe-uninitialized.
  const int64_t lifetime = *expires_in;
  token_ = std::string(*token);
  const int64_t margin = std::min(kRefreshMarginSeconds, lifetime / 10);
  token_refresh_at_ = clock_.NowSeconds() + lifetime - margin;
  return token_;
}

Result<HttpResponse> RequestServiceClient::PostOnce(const std::string& url, const std::string& body,
                                                    const std::string& token) {
  common::HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Authorization", "Bearer " + token},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = body;
  request.timeout_ms = options_.timeout_ms;
  request.connect_timeout_ms = options_.connect_timeout_ms;
  return http_.Send(request);
}

Result<HttpResponse> RequestServiceClient::PostWithRetries(const std::string& url,
                                                           const std::string& body) {
  auto token = AccessToken();
  if (!token) return token.error();
  bool refreshed = false;
  int retries = 0;
  while (true) {
    auto response = PostOnce(url, body, *token);
    if (!response) return response.error();
    if (response->status == 401 && !refreshed) {
      refreshed = true;  // one forced refresh per call: a second 401 is the answer
      token = AccessToken(*token);
      if (!token) return token.error();
      continue;
    }
    if (!Retryable(*response) || retries >= options_.max_retries) return response;
    ++retries;
    int64_t wait = kDefaultRetryAfterSeconds;
    if (auto header = response->Header("retry-after")) {
      wait = ParseSeconds(*header).value_or(kDefaultRetryAfterSeconds);
    }
    sleeper_(std::min(wait, options_.max_retry_after_seconds) * 1000);
  }
}

Result<CreatedRequest> RequestServiceClient::Create(const std::string& api,
                                                    const std::string& body_json) {
  auto response = PostWithRetries(options_.base_url + "/verifiableCredentials/" + api, body_json);
  if (!response) return response.error();
  if (response->status != 201) return ApiError(*response);
  return ParseCreated(*response);
}

Result<CreatedRequest> RequestServiceClient::CreateIssuanceRequest(const std::string& body_json) {
  return Create("createIssuanceRequest", body_json);
}

Result<CreatedRequest> RequestServiceClient::CreatePresentationRequest(
    const std::string& body_json) {
  return Create("createPresentationRequest", body_json);
}

}  // namespace vc::credentials
