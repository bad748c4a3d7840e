#include "common/http/url.h"

#include <charconv>

#include "common/base/text.h"

namespace vc::common {
namespace {

constexpr size_t kMaxUrlBytes = 4096;

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error InvalidUrl(std::string_view why) { return MakeError("invalid_url", std::string(why)); }

Status CheckUrlCharacters(std::string_view url) {
  if (url.empty()) return InvalidUrl("empty URL");
  if (url.size() > kMaxUrlBytes) return InvalidUrl("URL too long");
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f)
      return InvalidUrl("URL contains a control, space or non-ASCII byte");
    if (c == '\\') return InvalidUrl("URL contains a backslash");
  }
  return Status::Ok();
}

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), RFC 3986 §3.1.
Result<std::string> ParseScheme(std::string_view url, size_t* rest) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return InvalidUrl("URL is not absolute");
  const std::string_view scheme = url.substr(0, sep);
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(scheme[0])) return InvalidUrl("malformed scheme");
  for (char c : scheme) {
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
      return InvalidUrl("malformed scheme");
    }
  }
  *rest = sep + 3;
  return AsciiLower(scheme);
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

Status ParseHostPort(std::string_view authority, ParsedUrl* out) {
  if (authority.find('@') != std::string_view::npos) return InvalidUrl("userinfo is not allowed");
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidUrl("unterminated IPv6 literal");
    host = authority.substr(0, close + 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return InvalidUrl("malformed host");
    if (!after.empty()) port = after.substr(1);
    for (char c : host.substr(1, host.size() - 2)) {
      if (HexValue(c) < 0 && c != ':' && c != '.') return InvalidUrl("malformed IPv6 literal");
    }
    if (host.size() < 4) return InvalidUrl("malformed IPv6 literal");
  } else {
    const size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    if (host.empty()) return InvalidUrl("empty host");
    for (char c : host) {
      if (!IsHostChar(c)) return InvalidUrl("malformed host");
    }
  }
  out->host = AsciiLower(host);
  if (authority.size() > host.size()) {  // a ':' was present
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || port.size() > 5 || ec != std::errc() || end != port.data() + port.size() ||
        value == 0 || value > 65535) {
      return InvalidUrl("malformed port");
    }
    out->port = static_cast<uint16_t>(value);
  } else if (out->scheme == "http") {
    out->port = 80;
  } else if (out->scheme == "https") {
    out->port = 443;
  }
  return Status::Ok();
}

uint16_t DefaultPort(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return 0;
}

}  // namespace

std::string PercentEncode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size() * 3);
  for (unsigned char c : raw) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view encoded, bool plus_as_space) {
  // Runs of plain characters are copied whole: a query is mostly base64url.
  // (A plain loop: string_view::find_first_of calls memchr once per byte.)
  std::string out;
  out.reserve(encoded.size());
  size_t i = 0;
  while (i < encoded.size()) {
    size_t special = i;
    while (special < encoded.size() && encoded[special] != '%' &&
           !(plus_as_space && encoded[special] == '+')) {
      ++special;
    }
    out.append(encoded.data() + i, special - i);
    if (special == encoded.size()) break;
    i = special;
    if (encoded[i] == '+') {
      out.push_back(' ');
      ++i;
      continue;
    }
    const int hi = i + 2 < encoded.size() ? HexValue(encoded[i + 1]) : -1;
    const int lo = hi >= 0 ? HexValue(encoded[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return MakeError("invalid_percent_encoding",
                       "'%' not followed by two hex digits at offset " + std::to_string(i));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 3;
  }
  return out;
}

std::string FormUrlEncode(const NameValueList& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(name);
    out.push_back('=');
    out += PercentEncode(value);
  }
  return out;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> QueryParams::GetAll(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : params_) {
    if (n == name) out.emplace_back(v);
  }
  return out;
}

Result<QueryParams> ParseQueryString(std::string_view query, const QueryLimits& limits) {
  if (query.size() > limits.max_bytes) {
    return MakeError("query_too_large", "query is longer than " + std::to_string(limits.max_bytes));
  }
  NameValueList params;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (params.size() == limits.max_params) {
      return MakeError("query_too_large",
                       "more than " + std::to_string(limits.max_params) + " parameters");
    }
    const size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    if (!name.ok()) return name.error();
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!value.ok()) return value.error();
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return QueryParams(std::move(params));
}

std::string BuildUrl(std::string_view base, const NameValueList& params) {
  const size_t hash = base.find('#');
  std::string out(base.substr(0, hash));
  if (!params.empty()) {
    const bool has_query = out.find('?') != std::string::npos;
    if (!has_query) {
      out.push_back('?');
    } else if (out.back() != '?' && out.back() != '&') {
      out.push_back('&');
    }
    out += FormUrlEncode(params);
  }
  if (hash != std::string_view::npos) out += base.substr(hash);
  return out;
}

std::string ParsedUrl::Origin() const {
  std::string out = scheme + "://" + host;
  if (port != 0 && port != DefaultPort(scheme)) {
    // Two appends, not ":" + to_string(): GCC 12 -O3 warns (-Wrestrict) on that.
    out.push_back(':');
    out += std::to_string(port);
  }
  return out;
}

std::string ParsedUrl::ToString() const {
  std::string out = Origin() + path;
  if (!query.empty()) out += "?" + query;
  if (!fragment.empty()) out += "#" + fragment;
  return out;
}

Result<ParsedUrl> ParseUrl(std::string_view url) {
  if (Status s = CheckUrlCharacters(url); !s.ok()) return s.error();
  ParsedUrl out;
  size_t pos = 0;
  auto scheme = ParseScheme(url, &pos);
  if (!scheme.ok()) return scheme.error();
  out.scheme = std::move(*scheme);
  std::string_view rest = url.substr(pos);
  const size_t authority_end = rest.find_first_of("/?#");
  if (Status s = ParseHostPort(rest.substr(0, authority_end), &out); !s.ok()) return s.error();
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    out.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    out.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  out.path = rest.empty() ? "/" : std::string(rest);
  return out;
}

}  // namespace vc::common
