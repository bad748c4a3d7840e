#include "common/http/http_router.h"

#include <algorithm>
#include <stdexcept>

namespace vc::common {
namespace {

// "/a/b/" -> {"a", "b", ""}; the leading '/' is required by the caller.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return out;
    path = path.substr(slash + 1);
  }
}

bool IsParam(std::string_view segment) { return !segment.empty() && segment[0] == ':'; }
bool IsRest(std::string_view segment) { return !segment.empty() && segment[0] == '*'; }

// 2 for a literal, 1 for ":name", 0 for "*name": higher is more specific.
int Specificity(std::string_view segment) { return IsRest(segment) ? 0 : IsParam(segment) ? 1 : 2; }

bool SegmentsMatch(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path) {
  const bool rest = IsRest(pattern.back());
  if (rest ? path.size() < pattern.size() : pattern.size() != path.size()) return false;
  for (size_t i = 0; i + (rest ? 1 : 0) < pattern.size(); ++i) {
    if (IsParam(pattern[i]) ? path[i].empty() : pattern[i] != path[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b` at the first position they differ in kind.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (Specificity(a[i]) != Specificity(b[i])) return Specificity(a[i]) > Specificity(b[i]);
  }
  return false;
}

// The path from segment `from` on, as the "*name" parameter's raw value.
std::string_view RestOf(std::string_view path, size_t from) {
  size_t pos = 0;
  for (size_t i = 0; i <= from; ++i) pos = path.find('/', pos) + 1;
  return path.substr(pos);
}

}  // namespace

size_t HttpRouter::Add(std::string method, std::string pattern, AsyncHttpHandler handler,
                       bool blocking) {
  if (pattern.empty() || pattern[0] != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  std::vector<std::string> segments;
  for (std::string_view s : Split(pattern)) {
    if (s == ":" || s == "*")
      throw std::invalid_argument("route parameter without a name: " + pattern);
    segments.emplace_back(s);
  }
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (IsRest(segments[i]))
      throw std::invalid_argument("'*' must be the last segment: " + pattern);
  }
  for (const Route& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      throw std::invalid_argument("route registered twice: " + method + " " + pattern);
    }
  }
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(segments),
                          std::move(handler), blocking});
  return routes_.size() - 1;
}

bool HttpRouter::Wrap(std::string_view method, std::string_view pattern,
                      const std::function<AsyncHttpHandler(AsyncHttpHandler)>& wrap) {
  for (Route& r : routes_) {
    if (r.method == method && r.pattern == pattern) {
      r.handler = wrap(std::move(r.handler));
      return true;
    }
  }
  return false;
}

HttpRouter::Match HttpRouter::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (path.empty() || path[0] != '/') return match;
  const std::vector<std::string_view> parts = Split(path);
  const Route* best = nullptr;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (!SegmentsMatch(r.segments, parts)) continue;
    if (r.method != method) {
      if (std::find(match.allowed_methods.begin(), match.allowed_methods.end(), r.method) ==
          match.allowed_methods.end()) {
        match.allowed_methods.push_back(r.method);
      }
      continue;
    }
    if (best == nullptr || MoreSpecific(r.segments, best->segments)) {
      best = &r;
      match.route_index = i;
    }
  }
  if (best == nullptr) {
    match.kind =
        match.allowed_methods.empty() ? Match::Kind::kNotFound : Match::Kind::kMethodNotAllowed;
    return match;
  }
  match.allowed_methods.clear();
  for (size_t i = 0; i < best->segments.size(); ++i) {
    const bool rest = IsRest(best->segments[i]);
    if (!rest && !IsParam(best->segments[i])) continue;
    auto value = PercentDecode(rest ? RestOf(path, i) : parts[i]);
    if (!value.ok()) {
      match.kind = Match::Kind::kBadPath;
      return match;
    }
    match.params[best->segments[i].substr(1)] = std::move(*value);
  }
  match.kind = Match::Kind::kFound;
  return match;
}

}  // namespace vc::common
