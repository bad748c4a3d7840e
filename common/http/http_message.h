// The request and response types that HTTP handlers see. They carry no Pistache
// types, so handlers and their tests need no socket and no server library.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/http/url.h"

namespace vc::common {

struct HttpServerRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, not decoded, without the query string
  QueryParams query;   // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  // Sent by this process to itself (HttpServer::HandleInProcess through the
  // loopback client): no per-IP rate limit, since every user shares that "IP".
  bool in_process = false;
  std::map<std::string, std::string> path_params;  // ":name" segments, decoded
  std::string mscv;                                // this request's correlation vector (see mscv.h)
  std::vector<std::pair<std::string, std::string>> cookies;  // from the Cookie header

  // First value of a header; `name` is compared case-insensitively.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The decoded value of a ":name" segment of the route; empty if the route has none.
  std::string_view PathParam(const std::string& name) const;
  // The value of a cookie sent by the client; empty if absent.
  std::string_view Cookie(std::string_view name) const;
};

struct HttpServerResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // empty = no Content-Type header

  // Adds a header. Framing headers (Content-Length, Transfer-Encoding, Connection)
  // are owned by the server and ignored; a name or value with CR, LF or NUL is dropped
  // when the response is written (logged as a warning).
  HttpServerResponse& SetHeader(std::string name, std::string value);

  // `body` must already be JSON (written with JsonWriter). Content-Type application/json.
  static HttpServerResponse Json(int status, std::string body);
  // {"error": code, "message": message}. The message is shown to clients: no internals.
  static HttpServerResponse JsonError(int status, std::string_view code, std::string_view message);
  // Content-Type text/html; charset=utf-8. `body` must already be escaped.
  static HttpServerResponse Html(int status, std::string body);
  static HttpServerResponse Text(int status, std::string body,
                                 std::string content_type = "text/plain; charset=utf-8");
  // A redirect (303 See Other unless told otherwise) with an empty body. The caller
  // guarantees `location` is an allowed target (DESIGN.md §5: no open redirects).
  static HttpServerResponse Redirect(std::string location, int status = 303);
};

// A handler that answers before it returns. HttpServer::Route runs it on the
// server's pool of blocking threads, so it may wait for storage or the network.
using HttpHandler = std::function<HttpServerResponse(const HttpServerRequest&)>;

// How an asynchronous handler answers: once, from any thread, possibly after it
// returned (from a storage commit's completion, say). Copies share one answer;
// later calls are ignored. When the last copy goes away unanswered, the client
// gets a 500 and the omission is logged, so a lost continuation never leaves a
// connection hanging.
class HttpResponder {
 public:
  using Sink = std::function<void(HttpServerResponse)>;
  explicit HttpResponder(Sink sink);

  void operator()(HttpServerResponse response) const;
  bool answered() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// A handler that never blocks: HttpServer::RouteAsync runs it on the event-loop
// thread that read the request; it starts its work (a queued storage commit, CPU
// work) and answers through `respond` when that completes. It must not wait for
// storage, an outbound call or a lock held across I/O.
using AsyncHttpHandler = std::function<void(HttpServerRequest request, HttpResponder respond)>;

// For JSON endpoints: nullopt when the request's Content-Type is application/json
// (parameters such as charset=utf-8 allowed), otherwise a 415 JSON error
// "unsupported_media_type" to return as is.
std::optional<HttpServerResponse> RequireJsonContentType(const HttpServerRequest& request);

// The reason phrase-free status class label used in metrics: "2xx", "4xx", ...
std::string_view StatusClass(int status);

}  // namespace vc::common
