// A client of a Request Service speaking Microsoft Entra Verified ID's REST API
// (specs/entra-request-service.md §1–§4): the OAuth client-credentials token, then
// createIssuanceRequest / createPresentationRequest. The same code talks to Entra or
// to our embedded service (request_service/); only the options differ (DESIGN.md §3).
// Shared by the issuer and the verifier; it builds no request bodies itself.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "common/base/clock.h"
#include "common/base/result.h"
#include "common/config/config_types.h"
#include "common/http/http_client.h"
#include "common/jose/jwk.h"

namespace vc::credentials {

struct RequestServiceClientOptions {
  std::string base_url;   // ".../v1.0"; the create APIs live under it
  std::string token_url;  // OAuth 2.0 token endpoint
  std::string client_id;
  std::string client_secret;  // used when assertion_key is absent
  // When set, the client authenticates with an RFC 7523 client assertion signed by
  // this private key (kid = its RFC 7638 thumbprint) instead of client_secret.
  std::optional<common::Jwk> assertion_key;
  common::JwsAlg assertion_alg = common::JwsAlg::kRS256;  // RS256 or PS256
  std::string scope = "3db474b9-6a0c-4840-96ac-1fceb342124f/.default";
  long timeout_ms = 10'000;  // per HTTP call
  long connect_timeout_ms = 3'000;
  int max_retries = 2;                   // extra attempts on transientError / 429 / 503
  int64_t max_retry_after_seconds = 30;  // a longer Retry-After is cut to this

  // base_url, token_url, client_id, client_secret and scope from the config (whose
  // embedded-mode defaults the config loader has already filled in).
  static RequestServiceClientOptions FromConfig(const common::RequestServiceConfig& config);
};

// A created request (spec §2.5, §3.2).
struct CreatedRequest {
  std::string request_id;
  std::string url;                     // the openid-vc:// deep link
  int64_t expiry = 0;                  // unix seconds
  std::optional<std::string> qr_code;  // data: URL, only when includeQRCode was asked
};

// Waits `millis` before a retry. Tests pass one that records and advances a ManualClock.
using RetrySleeper = std::function<void(int64_t millis)>;
void SleepFor(int64_t millis);  // the production sleeper

// Thread-safe. Errors:
//   the HttpClient's codes ("timeout", "connect_failed", "tls_error", ...) for network
//   failures, unchanged;
//   "token_<oauth error>" (e.g. "token_invalid_client") when the token endpoint refuses,
//   message naming error and error_description; "token_request_failed" when its answer
//   is not an OAuth JSON body;
//   "request_service_<innererror.code or error.code>" (e.g.
//   "request_service_badOrMissingField") for a §4 error envelope, message naming the
//   HTTP status, code, inner code, inner message and target;
//   "request_service_http_<status>" for a non-201 answer without an envelope, and
//   "request_service_invalid_response" for a 201 without requestId/url/expiry.
class RequestServiceClient {
 public:
  RequestServiceClient(RequestServiceClientOptions options, common::HttpClient& http,
                       const common::Clock& clock, RetrySleeper sleeper = SleepFor);

  // POSTs `body_json` (already written by the caller) with a bearer token. A 401 forces
  // one token refresh and one retry; transientError, 429 and 503 are retried up to
  // max_retries times after Retry-After seconds (1 when absent).
  common::Result<CreatedRequest> CreateIssuanceRequest(const std::string& body_json);
  common::Result<CreatedRequest> CreatePresentationRequest(const std::string& body_json);

  // A bearer token, cached until 5 minutes (or 10% of its lifetime, if shorter)
  // before it expires. `rejected`: a token the API refused; a cached token equal to
  // it is not reused. One refresh at a time.
  common::Result<std::string> AccessToken(const std::string& rejected = "");

  // How many times the token endpoint was called (for tests and metrics).
  int token_requests() const;

 private:
  common::Result<std::string> FetchToken();  // caller holds mu_
  common::Result<std::string> TokenForm();
  common::Result<common::HttpResponse> PostWithRetries(const std::string& url,
                                                       const std::string& body);
  common::Result<common::HttpResponse> PostOnce(const std::string& url, const std::string& body,
                                                const std::string& token);
  common::Result<CreatedRequest> Create(const std::string& api, const std::string& body_json);

  RequestServiceClientOptions options_;
  common::HttpClient& http_;
  const common::Clock& clock_;
  RetrySleeper sleeper_;
  mutable std::mutex mu_;
  std::string token_;
  int64_t token_refresh_at_ = 0;  // unix seconds after which token_ is not reused
  int token_requests_ = 0;
};

}  // namespace vc::credentials
