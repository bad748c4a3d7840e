#include "server/loopback_http_client.h"

#include "common/base/text.h"
#include "common/http/url.h"

namespace vc::server {

void LoopbackHttpClient::SetBaseUrl(std::string base_url) {
  std::lock_guard lock(mu_);
  base_url_ = std::move(base_url);
}

common::Result<common::HttpResponse> LoopbackHttpClient::Send(const common::HttpRequest& request) {
  std::string base;
  {
    std::lock_guard lock(mu_);
    base = base_url_;
  }
  const bool ours = !base.empty() && request.url.starts_with(base) &&
                    (request.url.size() == base.size() || request.url[base.size()] == '/' ||
                     request.url[base.size()] == '?');
  if (!ours) return network_.Send(request);
  std::string target = request.url.substr(base.size());
  if (target.empty() || target.front() != '/') target.insert(0, "/");
  common::HttpServerRequest in;
  in.method = request.method;
  const size_t q = target.find('?');
  in.path = target.substr(0, q);
  if (q != std::string::npos) {
    auto query = common::ParseQueryString(std::string_view(target).substr(q + 1));
    if (!query) return common::HttpResponse{400, {}, R"({"error":"invalid_query"})"};
    in.query = std::move(*query);
  }
  for (const auto& [k, v] : request.headers) in.headers.emplace_back(common::AsciiLower(k), v);
  in.body = request.body;
  in.remote_ip = "127.0.0.1";
  in.in_process = true;
  common::HttpServerResponse out = server_.HandleInProcess(std::move(in));
  common::HttpResponse response{out.status, {}, std::move(out.body)};
  if (!out.content_type.empty()) response.headers.emplace_back("content-type", out.content_type);
  for (auto& [k, v] : out.headers)
    response.headers.emplace_back(common::AsciiLower(k), std::move(v));
  return response;
}

}  // namespace vc::server
