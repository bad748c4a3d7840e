// URLs and forms: strict percent-encoding, query / application/x-www-form-urlencoded
// parsing with limits, URL building, and a small absolute-URL parser meant for
// exact-match comparisons (registered redirect URLs, outbound endpoints).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/base/result.h"

namespace vc::common {

using NameValueList = std::vector<std::pair<std::string, std::string>>;

// Percent-encodes every byte except the RFC 3986 unreserved set (A-Z a-z 0-9 - . _ ~),
// so the result is safe in a path segment, a query name or value, or a form field.
std::string PercentEncode(std::string_view raw);

// Decodes %XX sequences (hex digits of either case). With plus_as_space, '+' decodes
// to ' ' (form encoding). Error "invalid_percent_encoding" when a '%' is not followed
// by two hex digits; nothing is guessed.
Result<std::string> PercentDecode(std::string_view encoded, bool plus_as_space = false);

// "a=1&b=x%20y": each name and value percent-encoded, in the given order.
std::string FormUrlEncode(const NameValueList& fields);

struct QueryLimits {
  size_t max_bytes = 16 * 1024;  // whole encoded input
  size_t max_params = 64;        // name=value pairs
};

// Ordered name/value pairs as they appeared; duplicate names are kept.
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(NameValueList params) : params_(std::move(params)) {}

  // The first value for `name`, nullopt when absent.
  std::optional<std::string_view> Get(std::string_view name) const;
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  size_t size() const { return params_.size(); }
  const NameValueList& list() const { return params_; }

 private:
  NameValueList params_;
};

// Parses "a=1&b=2" (no leading '?') or a form body. '+' means space, empty pairs
// ("a=1&&b=2") are skipped, a pair without '=' has an empty value. Errors:
// "invalid_percent_encoding", "query_too_large" (bytes or pair count over the limits).
Result<QueryParams> ParseQueryString(std::string_view query, const QueryLimits& limits = {});
inline Result<QueryParams> ParseForm(std::string_view body, const QueryLimits& limits = {}) {
  return ParseQueryString(body, limits);
}

// Appends the parameters to `base` with '?' or '&' as needed, before any '#fragment'.
std::string BuildUrl(std::string_view base, const NameValueList& params);

// An absolute http(s)-style URL "scheme://host[:port]/path?query#fragment".
struct ParsedUrl {
  std::string scheme;    // lower-cased, e.g. "https"
  std::string host;      // lower-cased; IPv6 literals keep their brackets: "[::1]"
  uint16_t port = 0;     // explicit port, else 80 for http / 443 for https, else 0
  std::string path;      // as written (not decoded); "/" when empty
  std::string query;     // without the '?'; empty when absent
  std::string fragment;  // without the '#'; empty when absent

  // Normalised form: default port omitted. Two URLs are "the same" for redirect
  // checks when their ToString() values are equal.
  std::string ToString() const;
  // "scheme://host[:port]".
  std::string Origin() const;
};

// Parses an absolute URL. Refused with "invalid_url" (message says why): relative or
// scheme-relative URLs ("//evil.example", "/path"), userinfo ("https://user@host"),
// backslashes, control characters, spaces and non-ASCII bytes anywhere, an empty or
// malformed host, a port outside 1..65535, and anything over 4096 bytes. It does not
// resolve dot segments or decode anything: comparisons are byte-exact after
// lower-casing scheme and host.
Result<ParsedUrl> ParseUrl(std::string_view url);

}  // namespace vc::common
