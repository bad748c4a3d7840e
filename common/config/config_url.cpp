#include <curl/curl.h>

#include <memory>

#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* h) const { curl_url_cleanup(h); }
};
using CurlUrlPtr = std::unique_ptr<CURLU, CurlUrlDeleter>;

// One part of a parsed URL; "" when the URL has none.
std::string Part(CURLU* h, CURLUPart what) {
  char* part = nullptr;
  if (curl_url_get(h, what, &part, 0) != CURLUE_OK || part == nullptr) return {};
  std::string value(part);
  curl_free(part);
  return value;
}

}  // namespace

// libcurl's URL parser, so that what we accept is what the HTTP client accepts.
std::optional<HttpUrl> ParseHttpUrl(std::string_view url) {
  const std::string text(url);
  if (text.find_first_of(" \t\r\n") != std::string::npos) return std::nullopt;
  CurlUrlPtr h(curl_url());
  if (!h || curl_url_set(h.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  HttpUrl out;
  out.scheme = Part(h.get(), CURLUPART_SCHEME);
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  // curl lower-cases the scheme it returns; the text must be absolute as written.
  if (text.rfind(out.scheme + "://", 0) != 0) return std::nullopt;
  out.host = Part(h.get(), CURLUPART_HOST);
  if (out.host.empty()) return std::nullopt;
  out.port = Part(h.get(), CURLUPART_PORT);
  out.path = Part(h.get(), CURLUPART_PATH);
  out.has_userinfo = !Part(h.get(), CURLUPART_USER).empty() || text.find('@') != std::string::npos;
  out.has_query = text.find('?') != std::string::npos;
  out.has_fragment = text.find('#') != std::string::npos;
  return out;
}

bool SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  std::string h = listen.substr(0, colon);
  const std::string p = listen.substr(colon + 1);
  if (p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  const int number = std::stoi(p);
  if (number > 65535) return false;
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return false;  // IPv6 needs brackets: "[::1]:8080"
  }
  if (h.find_first_of(" /[]@") != std::string::npos) return false;
  *host = h;
  *port = number;
  return true;
}

}  // namespace vc::common::config_internal

namespace vc::common {

void CheckUrlAt(const std::string& path, const std::string& url, bool require_https,
                bool no_fragment) {
  std::optional<config_internal::HttpUrl> parsed = config_internal::ParseHttpUrl(url);
  if (!parsed) {
    throw ConfigError(
        path, require_https ? "must be an absolute https URL" : "must be an absolute http(s) URL");
  }
  if (require_https && parsed->scheme != "https") {
    throw ConfigError(path, "must be an absolute https URL in production");
  }
  if (parsed->has_userinfo) throw ConfigError(path, "must not contain user info");
  if (no_fragment && parsed->has_fragment) throw ConfigError(path, "must not contain a fragment");
}

void CheckUrl(const ConfigNode& node, const char* key, const std::string& url, bool require_https,
              bool no_fragment) {
  CheckUrlAt(node.Child(key), url, require_https, no_fragment);
}

bool IsSafeId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string DidWebFromUrl(std::string_view url) {
  std::optional<config_internal::HttpUrl> parsed = config_internal::ParseHttpUrl(url);
  // A DID names a host and path only: credentials or a query have no place in it.
  if (!parsed || parsed->has_userinfo || url.find_first_of("?#") != std::string_view::npos)
    return {};
  std::string did = "did:web:" + parsed->host;
  if (!parsed->port.empty()) did += "%3A" + parsed->port;
  std::string segment;
  for (char c : parsed->path + "/") {
    if (c != '/') {
      segment += c;
    } else if (!segment.empty()) {
      did += ":" + segment;
      segment.clear();
    }
  }
  return did;
}

}  // namespace vc::common
