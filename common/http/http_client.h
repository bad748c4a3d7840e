// Outbound HTTP behind a small interface, so services take an HttpClient& and tests
// point them at local servers. CurlHttpClient is the production implementation.
//
// Outbound rules (DESIGN.md §5) enforced here: every call has a total and a connect
// timeout, responses are size-capped, redirects are not followed unless the request
// asks (then at most 3, http/https only), only http/https are spoken, and TLS peer and
// host verification cannot be switched off.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/result.h"
#include "common/http/url.h"

struct sockaddr;

namespace vc::common {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Decides, for each address a client is about to open a connection to (after
// DNS, so a name that resolves to a forbidden address is caught, rebinding
// included), whether it may. See outbound_policy.h.
class ConnectFilter {
 public:
  virtual ~ConnectFilter() = default;
  // `addr` is a sockaddr_in or sockaddr_in6.
  virtual bool AllowConnect(const ::sockaddr* addr) const = 0;
};

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE or HEAD
  std::string url;             // absolute http:// or https:// URL
  HttpHeaders headers;         // sent as given; names and values must not contain CR/LF
  std::string body;
  long timeout_ms = 10'000;             // whole transfer; values <= 0 mean the default
  long connect_timeout_ms = 3'000;      // TCP + TLS handshake; values <= 0 mean the default
  size_t max_response_bytes = 1 << 20;  // body bytes accepted before aborting
  bool follow_redirects = false;
  // When set: every connection is new and checked by the filter (none is taken
  // from or left in the connection cache, no proxy is used, so the filter sees
  // the real peer), and redirects are not followed.
  const ConnectFilter* connect_filter = nullptr;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;  // names lower-cased, in arrival order (of the final response)
  std::string body;

  // The first value of a header (name compared case-insensitively), nullopt if absent.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Sends one request and returns the response whatever its HTTP status: a 4xx or 5xx
// is a value, not an error. Errors (code, message naming the URL's host, never its
// path or query, which may carry tokens):
//   "invalid_request"     bad URL, scheme not http/https, CR/LF in a header, bad method
//   "timeout"             the total or connect timeout passed
//   "connect_failed"      DNS failure, refused or unreachable
//   "address_refused"     the request's connect_filter refused every address
//   "tls_error"           handshake or certificate verification failed
//   "response_too_large"  more than max_response_bytes of body
//   "too_many_redirects"  more than 3 redirects when following
//   "http_error"          any other transport or protocol failure
// Implementations are thread-safe.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct CurlHttpClientOptions {
  std::string ca_bundle_path;  // PEM bundle of trusted CAs; empty = system default store
  std::string user_agent = "vcservice/0.1";
};

// libcurl. Each thread keeps one easy handle (created on first use) so connections,
// TLS sessions and DNS results are reused across calls on that thread; every option is
// reset before each call. curl_global_init runs once, on first construction.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  CurlHttpClientOptions options_;
};

// Conveniences over Send() with HttpRequest's default timeouts and size cap.
Result<HttpResponse> Get(HttpClient& client, std::string url, HttpHeaders headers = {});
// Body is FormUrlEncode(fields), Content-Type application/x-www-form-urlencoded.
Result<HttpResponse> PostForm(HttpClient& client, std::string url, const NameValueList& fields,
                              HttpHeaders headers = {});
// Body sent as is, Content-Type application/json.
Result<HttpResponse> PostJson(HttpClient& client, std::string url, std::string json,
                              HttpHeaders headers = {});

}  // namespace vc::common
