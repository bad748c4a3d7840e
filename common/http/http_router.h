// Maps (method, path) to a registered route. Patterns are '/'-separated segments,
// each either literal or ":name" (matches one non-empty segment, value
// percent-decoded into path_params); the last segment may be "*name", which
// matches the rest of the path (one or more segments, empty ones included; the
// value is that rest, percent-decoded) — a fallback for a whole subtree, such
// as an API's own 404. Otherwise matching is exact: a trailing slash is a
// segment of its own. When several patterns match, literal segments win over
// parameters and parameters over "*" at the first position they differ.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http_message.h"

namespace vc::common {

class HttpRouter {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    AsyncHttpHandler handler;
    // Registered through HttpServer::Route: the handler may block, so the server
    // runs it on its blocking pool instead of the event loop.
    bool blocking = false;
  };

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
    Kind kind = Kind::kNotFound;
    size_t route_index = 0;                     // when kFound
    std::map<std::string, std::string> params;  // when kFound
    std::vector<std::string> allowed_methods;   // when kMethodNotAllowed
  };

  // Registers a route and returns its index. Throws std::invalid_argument when the
  // pattern does not start with '/', has an empty ":" name, or the same method and
  // pattern are already registered (programming errors found at startup).
  size_t Add(std::string method, std::string pattern, AsyncHttpHandler handler, bool blocking);

  // Replaces the handler of the route registered as exactly (method, pattern) by
  // wrap(old handler), e.g. to put a rate limit in front of it. False when no
  // such route is registered.
  bool Wrap(std::string_view method, std::string_view pattern,
            const std::function<AsyncHttpHandler(AsyncHttpHandler)>& wrap);
  // kBadPath when a parameter segment holds an invalid percent-encoding.
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace vc::common
