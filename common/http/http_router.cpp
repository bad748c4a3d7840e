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

bool SegmentsMatch(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i]) ? path[i].empty() : pattern[i] != path[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b`: a literal where `b` has a parameter at the
// first position they differ in kind.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (IsParam(a[i]) != IsParam(b[i])) return !IsParam(a[i]);
  }
  return false;
}

}  // namespace

size_t HttpRouter::Add(std::string method, std::string pattern, AsyncHttpHandler handler,
                       bool blocking) {
  if (pattern.empty() || pattern[0] != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  std::vector<std::string> segments;
  for (std::string_view s : Split(pattern)) {
    if (s == ":") throw std::invalid_argument("route parameter without a name: " + pattern);
    segments.emplace_back(s);
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
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!IsParam(best->segments[i])) continue;
    auto value = PercentDecode(parts[i]);
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
