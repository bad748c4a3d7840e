#include "request_service/api_paths.h"

#include "request_service/api_error.h"

namespace vc::request_service {

namespace {

constexpr std::string_view kV1 = "/v1.0/verifiableCredentials/";
constexpr const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

}  // namespace

std::vector<std::string> ApiPaths::Routed(const std::string& method, const std::string& pattern) {
  std::vector<std::string> out{pattern};
  if (pattern.starts_with(kV1)) out.push_back("/beta" + pattern.substr(5));
  for (const auto& p : out) {
    if (p.starts_with("/v1.0/") || p.starts_with("/beta/")) {
      known_->Add(method, p, nullptr, false);
    }
  }
  return out;
}

void ApiPaths::RegisterFallback(common::HttpServer& server, const common::Clock& clock) const {
  auto answer = [known = known_, &clock](const common::HttpServerRequest& req,
                                         const common::HttpResponder& respond) {
    const auto match = known->Find(req.method, req.path);
    if (match.kind != common::HttpRouter::Match::Kind::kMethodNotAllowed) {
      return respond(
          EnvelopeResponse({404, "notFound", "The Request Service API has no such path.", "path"},
                           req.mscv, clock.NowSeconds()));
    }
    std::string allow;
    for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
    auto r = EnvelopeResponse(
        {405, "methodNotAllowed", "This path accepts only " + allow + ".", "method"}, req.mscv,
        clock.NowSeconds());
    r.SetHeader("Allow", allow);
    respond(std::move(r));
  };
  for (const char* prefix : {"/v1.0/*path", "/beta/*path"}) {
    for (const char* m : kMethods) server.RouteAsync(m, prefix, answer);
  }
}

}  // namespace vc::request_service
