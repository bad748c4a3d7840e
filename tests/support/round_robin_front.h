// A load balancer in front of several vcserver instances, for multi-instance
// tests: an HTTP server on port 0 that forwards each request, in turn, to the
// next instance (round robin per request, not per connection, so that
// consecutive steps of one browser land on different instances). Method, path,
// query, headers (cookies included) and body go through; the answer comes back
// with its status, headers and body. Redirects are passed on, not followed.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/base/text.h"
#include "common/http/http_client.h"
#include "common/http/http_server.h"
#include "common/http/url.h"

namespace vc::testing {

class RoundRobinFront {
 public:
  RoundRobinFront() {
    common::HttpServerOptions options;
    options.blocking_threads = 64;
    options.max_request_bytes = 4 << 20;
    server_ = std::make_unique<common::HttpServer>(options);
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      server_->Route(method, "/*rest",
                     [this](const common::HttpServerRequest& r) { return Forward(r); });
    }
    port_ = server_->ReservePort();
  }
  ~RoundRobinFront() { server_->Shutdown(); }

  // Known before Start(): instances are configured with it as publicBaseUrl.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Start(std::vector<std::string> backends) {
    backends_ = std::move(backends);
    server_->Start();
  }
  // Replaces one backend (an instance restarted on another port).
  void SetBackend(size_t i, std::string url) {
    std::lock_guard lock(mu_);
    backends_[i] = std::move(url);
  }
  // Which instance answered each request whose path starts with `prefix`, in order.
  std::vector<size_t> Served(const std::string& prefix) {
    std::lock_guard lock(mu_);
    std::vector<size_t> out;
    for (const auto& [path, i] : log_) {
      if (path.rfind(prefix, 0) == 0) out.push_back(i);
    }
    return out;
  }

 private:
  common::HttpServerResponse Forward(const common::HttpServerRequest& r) {
    std::string backend;
    size_t index = 0;
    {
      std::lock_guard lock(mu_);
      index = next_++ % backends_.size();
      backend = backends_[index];
      log_.emplace_back(r.path, index);
    }
    common::HttpRequest out;
    out.method = r.method;
    out.url = common::BuildUrl(backend + r.path, r.query.list());
    out.body = r.body;
    out.timeout_ms = 60'000;
    out.max_response_bytes = 8 << 20;
    for (const auto& [name, value] : r.headers) {
      if (name == "host" || name == "content-length" || name == "connection" ||
          name == "transfer-encoding" || name == "expect") {
        continue;
      }
      out.headers.emplace_back(name, value);
    }
    auto answer = http_.Send(out);
    if (!answer) {
      return common::HttpServerResponse::JsonError(502, "bad_gateway", answer.error().message);
    }
    common::HttpServerResponse resp;
    resp.status = static_cast<int>(answer->status);
    resp.body = std::move(answer->body);
    for (const auto& [name, value] : answer->headers) {
      if (name == "content-type") {
        resp.content_type = value;
      } else if (name != "content-length" && name != "connection" && name != "transfer-encoding" &&
                 name != "date") {
        resp.SetHeader(name, value);
      }
    }
    return resp;
  }

  std::unique_ptr<common::HttpServer> server_;
  uint16_t port_ = 0;
  common::CurlHttpClient http_;
  std::mutex mu_;
  std::vector<std::string> backends_;
  size_t next_ = 0;
  std::vector<std::pair<std::string, size_t>> log_;
};

}  // namespace vc::testing
