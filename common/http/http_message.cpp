#include "common/http/http_message.h"

#include <algorithm>
#include <atomic>

#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/text.h"

namespace vc::common {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(a, b);
}

}  // namespace

struct HttpResponder::State {
  explicit State(Sink s) : sink(std::move(s)) {}
  ~State() {
    if (answered.exchange(true)) return;
    LogError("http_handler_unanswered", {});
    sink(HttpServerResponse::JsonError(500, "internal_error",
                                       "The server could not complete the request."));
  }
  Sink sink;
  std::atomic<bool> answered{false};
};

HttpResponder::HttpResponder(Sink sink) : state_(std::make_shared<State>(std::move(sink))) {}

void HttpResponder::operator()(HttpServerResponse response) const {
  if (state_->answered.exchange(true)) return;
  state_->sink(std::move(response));
}

bool HttpResponder::answered() const { return state_->answered.load(); }

std::optional<std::string_view> HttpServerRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::string_view HttpServerRequest::Cookie(std::string_view name) const {
  for (const auto& [n, v] : cookies) {
    if (n == name) return v;
  }
  return {};
}

std::string_view HttpServerRequest::PathParam(const std::string& name) const {
  const auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

HttpServerResponse& HttpServerResponse::SetHeader(std::string name, std::string value) {
  for (std::string_view framing : {"content-length", "transfer-encoding", "connection"}) {
    if (EqualsIgnoreCase(name, framing)) return *this;
  }
  for (auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) {
      v = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

HttpServerResponse HttpServerResponse::Json(int status, std::string body) {
  HttpServerResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "application/json";
  return r;
}

HttpServerResponse HttpServerResponse::JsonError(int status, std::string_view code,
                                                 std::string_view message) {
  JsonWriter w;
  w->StartObject();
  w.Member("error", code);
  w.Member("message", message);
  w->EndObject();
  return Json(status, w.str());
}

HttpServerResponse HttpServerResponse::Html(int status, std::string body) {
  return Text(status, std::move(body), "text/html; charset=utf-8");
}

HttpServerResponse HttpServerResponse::Text(int status, std::string body,
                                            std::string content_type) {
  HttpServerResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

HttpServerResponse HttpServerResponse::Redirect(std::string location, int status) {
  HttpServerResponse r;
  r.status = status;
  r.SetHeader("Location", std::move(location));
  return r;
}

std::optional<HttpServerResponse> RequireJsonContentType(const HttpServerRequest& request) {
  std::string_view type = request.Header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  if (EqualsIgnoreCase(type, "application/json")) return std::nullopt;
  return HttpServerResponse::JsonError(415, "unsupported_media_type",
                                       "Content-Type must be application/json");
}

std::string_view StatusClass(int status) {
  switch (status / 100) {
    case 1:
      return "1xx";
    case 2:
      return "2xx";
    case 3:
      return "3xx";
    case 4:
      return "4xx";
    default:
      return "5xx";
  }
}

}  // namespace vc::common
