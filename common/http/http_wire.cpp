#include "common/http/internal/http_wire.h"

#include <ctime>

#include "common/base/log.h"
#include "common/base/text.h"

namespace vc::common::internal {
namespace {

bool IsSafeHeaderText(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool IsFramingHeader(std::string_view name) {
  for (std::string_view framing : {"content-length", "transfer-encoding", "connection", "date"}) {
    if (EqualsIgnoreAsciiCase(name, framing)) return true;
  }
  return false;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The IMF-fixdate of this second; formatted once a second per thread.
std::string_view HttpDate() {
  thread_local time_t cached_second = -1;
  thread_local char text[40];
  thread_local size_t length = 0;
  const time_t now = ::time(nullptr);
  if (now != cached_second) {
    tm utc{};
    ::gmtime_r(&now, &utc);
    length = ::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = now;
  }
  return {text, length};
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Status";
  }
}

std::string SerializeResponse(const HttpServerResponse& response, const Framing& framing,
                              std::string_view mscv) {
  std::string out;
  out.reserve(320 + response.body.size());
  out.append("HTTP/1.1 ").append(std::to_string(response.status)).push_back(' ');
  out.append(ReasonPhrase(response.status)).append("\r\n");
  AppendHeader(out, "Date", HttpDate());
  bool has_cache_control = false;
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !IsSafeHeaderText(name) || !IsSafeHeaderText(value) ||
        name.find(':') != std::string::npos) {
      LogWarn("http_header_dropped", {{"name", IsSafeHeaderText(name) ? name : "(unsafe)"}});
      continue;
    }
    if (IsFramingHeader(name)) continue;
    has_cache_control |= EqualsIgnoreAsciiCase(name, "cache-control");
    AppendHeader(out, name, value);
  }
  if (!response.content_type.empty() && IsSafeHeaderText(response.content_type))
    AppendHeader(out, "Content-Type", response.content_type);
  AppendHeader(out, "Content-Length", std::to_string(response.body.size()));
  if (framing.close) AppendHeader(out, "Connection", "close");
  if (framing.announce_keep_alive && !framing.close) AppendHeader(out, "Connection", "keep-alive");
  if (!has_cache_control) AppendHeader(out, "Cache-Control", "no-store");
  AppendHeader(out, "X-Content-Type-Options", "nosniff");
  AppendHeader(out, "Referrer-Policy", "no-referrer");
  if (IsSafeHeaderText(mscv)) AppendHeader(out, "ms-cv", mscv);
  out.append("\r\n");
  if (!framing.head_only) out.append(response.body);
  return out;
}

void ParseCookieHeader(std::string_view value,
                       std::vector<std::pair<std::string, std::string>>& out) {
  while (!value.empty()) {
    const size_t semi = value.find(';');
    std::string_view pair = TrimSpace(value.substr(0, semi));
    value = semi == std::string_view::npos ? std::string_view() : value.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = TrimSpace(pair.substr(0, eq));
    std::string_view val = TrimSpace(pair.substr(eq + 1));
    if (val.size() >= 2 && val.front() == '"' && val.back() == '"')
      val = val.substr(1, val.size() - 2);
    if (!name.empty()) out.emplace_back(name, val);
  }
}

bool HasToken(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (EqualsIgnoreAsciiCase(TrimSpace(value.substr(0, comma)), token)) return true;
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  return false;
}

}  // namespace vc::common::internal
