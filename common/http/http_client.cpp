#include "common/http/http_client.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "common/base/text.h"

namespace vc::common {
namespace {

constexpr long kDefaultTimeoutMs = 10'000;
constexpr long kDefaultConnectTimeoutMs = 3'000;
constexpr long kMaxRedirects = 3;
constexpr size_t kMaxHeaderBytes = 64 * 1024;

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// One handle per thread: a handle must never be used by two threads at once, and
// keeping it alive keeps its connection cache.
CURL* ThreadHandle() {
  thread_local std::unique_ptr<CURL, CurlDeleter> handle(curl_easy_init());
  if (!handle) throw std::runtime_error("curl_easy_init failed");
  curl_easy_reset(handle.get());
  return handle.get();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

struct Transfer {
  HttpResponse response;
  size_t max_body = 0;
  size_t header_bytes = 0;
  bool too_large = false;
  const ConnectFilter* filter = nullptr;
  bool refused = false;  // the filter refused an address
};

// Called by curl for every connection it opens, with the address it resolved:
// the one place where that address can be checked (CURLOPT_RESOLVE pinning
// would need our own resolver and its timeouts).
curl_socket_t OpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN || !t->filter->AllowConnect(&address->addr)) {
    t->refused = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype, address->protocol);
}

void SetConnectFilter(CURL* h, Transfer& transfer) {
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &transfer);
  // A cached connection was checked against no filter, or another one; a
  // proxy would make the filter judge the proxy's address.
  curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
}

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  if (t->response.body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  t->header_bytes += n;
  if (t->header_bytes > kMaxHeaderBytes) {
    t->too_large = true;
    return 0;
  }
  const std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after a redirect or 100 Continue)
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;
  std::string name = AsciiLower(line.substr(0, colon));
  t->response.headers.emplace_back(std::move(name), std::string(Trim(line.substr(colon + 1))));
  return n;
}

bool HasLineBreak(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos ||
         s.find('\0') != std::string_view::npos;
}

Status CheckRequest(const HttpRequest& request, const ParsedUrl& url) {
  static const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
  if (url.scheme != "http" && url.scheme != "https") {
    return MakeError("invalid_request", "only http and https URLs are allowed");
  }
  if (std::none_of(std::begin(kMethods), std::end(kMethods),
                   [&](const char* m) { return request.method == m; })) {
    return MakeError("invalid_request", "unsupported method");
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value) ||
        name.find(':') != std::string::npos) {
      return MakeError("invalid_request", "malformed header " + name);
    }
  }
  return Status::Ok();
}

void SetMethodAndBody(CURL* h, const HttpRequest& request) {
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    // CURLOPT_POST rather than a custom method for POST so that a followed 303 turns
    // into a GET, as browsers do.
    if (request.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POST, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
  }
}

SlistPtr BuildHeaderList(const HttpRequest& request) {
  curl_slist* list = nullptr;
  for (const auto& [name, value] : request.headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip for larger bodies.
  list = curl_slist_append(list, "Expect:");
  return SlistPtr(list);
}

void SetSafetyOptions(CURL* h, const HttpRequest& request, const CurlHttpClientOptions& options) {
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_bundle_path.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_bundle_path.c_str());
  }
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   request.timeout_ms > 0 ? request.timeout_ms : kDefaultTimeoutMs);
  curl_easy_setopt(
      h, CURLOPT_CONNECTTIMEOUT_MS,
      request.connect_timeout_ms > 0 ? request.connect_timeout_ms : kDefaultConnectTimeoutMs);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(request.max_response_bytes));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, kMaxRedirects);
  if (!options.user_agent.empty())
    curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
}

const char* ErrorCode(CURLcode code, bool too_large) {
  if (too_large || code == CURLE_FILESIZE_EXCEEDED) return "response_too_large";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return "connect_failed";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return "tls_error";
    case CURLE_TOO_MANY_REDIRECTS:
      return "too_many_redirects";
    case CURLE_UNSUPPORTED_PROTOCOL:
      return "invalid_request";
    default:
      return "http_error";
  }
}

}  // namespace

std::optional<std::string_view> HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(),
                                              [](char a, char b) { return a == AsciiLower(b); })) {
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  auto url = ParseUrl(request.url);
  if (!url.ok()) return MakeError("invalid_request", "invalid URL: " + url.error().message);
  const std::string where = request.method + " " + url->Origin();
  if (Status s = CheckRequest(request, *url); !s.ok()) {
    return MakeError(s.error().code, where + ": " + s.error().message);
  }
  CURL* h = ThreadHandle();
  Transfer transfer;
  transfer.max_body = request.max_response_bytes;
  SlistPtr headers = BuildHeaderList(request);
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  SetSafetyOptions(h, request, options_);
  SetMethodAndBody(h, request);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  transfer.filter = request.connect_filter;
  if (transfer.filter) SetConnectFilter(h, transfer);
  const CURLcode rc = curl_easy_perform(h);
  // The handle outlives this call; do not leave it pointing at our stack.
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  if (rc != CURLE_OK && transfer.refused && rc == CURLE_COULDNT_CONNECT) {
    return MakeError("address_refused", where + ": no address of the host may be connected to");
  }
  if (rc != CURLE_OK) {
    return MakeError(ErrorCode(rc, transfer.too_large), where + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  return std::move(transfer.response);
}

Result<HttpResponse> Get(HttpClient& client, std::string url, HttpHeaders headers) {
  HttpRequest request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  return client.Send(request);
}

Result<HttpResponse> PostForm(HttpClient& client, std::string url, const NameValueList& fields,
                              HttpHeaders headers) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body = FormUrlEncode(fields);
  return client.Send(request);
}

Result<HttpResponse> PostJson(HttpClient& client, std::string url, std::string json,
                              HttpHeaders headers) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(json);
  return client.Send(request);
}

}  // namespace vc::common
