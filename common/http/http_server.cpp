#include "common/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "common/base/await.h"
#include "common/base/log.h"
#include "common/base/text.h"
#include "common/base/thread_pool.h"
#include "common/http/http_router.h"
#include "common/http/internal/http_server_lifecycle.h"
#include "common/http/mscv.h"

namespace vc::common {
namespace {

namespace PHttp = Pistache::Http;

// Pistache's own limit covers the request line and headers as well as the body; it
// is set this much above ours so that a body just over the limit gets our JSON 413.
constexpr size_t kHeadAllowance = 16 * 1024;

struct RouteMetrics {
  std::array<Counter*, 4> by_class{};  // 2xx, 3xx, 4xx, 5xx (1xx is never final here)
  Histogram* duration = nullptr;
};

bool IsSafeHeaderText(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// A response header written verbatim. Pistache 0.0.5 writes only typed headers (the
// collection's raw list is ignored on output), so every header we send is one of these.
// hash() is 0, which no typed header has, so header_cast<> never mistakes it for one.
class OutgoingHeader final : public PHttp::Header::Header {
 public:
  OutgoingHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& os) const override { os << value_; }
  uint64_t hash() const override { return 0; }

 private:
  std::string name_;
  std::string value_;
};

// RFC 9112 §9.3: HTTP/1.1 stays open unless either side says "close"; HTTP/1.0 only
// when the client asks for keep-alive.
struct ConnectionChoice {
  bool close = false;
  bool announce_keep_alive = false;  // HTTP/1.0 clients need to be told
};

ConnectionChoice ChooseConnection(const PHttp::Request& request) {
  bool has_close = false;
  bool has_keep_alive = false;
  if (auto raw = request.headers().tryGetRaw("Connection")) {
    const std::string value = raw->value();  // Raw::value() returns a copy
    std::string_view v = value;
    while (!v.empty()) {
      const size_t comma = v.find(',');
      std::string token = AsciiLower(v.substr(0, comma));
      token.erase(
          std::remove_if(token.begin(), token.end(), [](char c) { return c == ' ' || c == '\t'; }),
          token.end());
      has_close |= token == "close";
      has_keep_alive |= token == "keep-alive";
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    }
  }
  if (request.version() == PHttp::Version::Http10)
    return {!has_keep_alive || has_close, has_keep_alive && !has_close};
  return {has_close, false};
}

std::string RawQueryString(const PHttp::Request& request) {
  // Pistache 0.0.5 has already split the query into a map of still-encoded names and
  // values; join it back so that our strict parser decodes and limits it.
  std::string out;
  const auto& q = request.query();
  for (auto it = q.parameters_begin(); it != q.parameters_end(); ++it) {
    if (!out.empty()) out.push_back('&');
    out += it->first + "=" + it->second;
  }
  return out;
}

HttpServerRequest ToServerRequest(const PHttp::Request& request) {
  HttpServerRequest r;
  r.method = PHttp::methodString(request.method());
  r.path = request.resource();
  for (const auto& [name, raw] : request.headers().rawList()) {
    r.headers.emplace_back(AsciiLower(name), raw.value());
  }
  // Pistache takes the Cookie header out of the raw headers and parses it.
  for (const auto& cookie : request.cookies()) r.cookies.emplace_back(cookie.name, cookie.value);
  r.body = request.body();
  r.remote_ip = request.address().host();
  return r;
}

std::string RequestMscv(const HttpServerRequest& request) {
  if (auto header = request.Header("ms-cv")) {
    auto cv = CorrelationVector::Parse(*header);
    if (cv.ok() && cv->Extend().ok()) return cv->ToString();
  }
  return CorrelationVector::NewRandom().ToString();
}

void AddHeader(PHttp::ResponseWriter& writer, std::string name, std::string value) {
  if (name.empty() || !IsSafeHeaderText(name) || !IsSafeHeaderText(value) ||
      name.find(':') != std::string::npos) {
    LogWarn("http_header_dropped", {{"name", IsSafeHeaderText(name) ? name : "(unsafe)"}});
    return;
  }
  writer.headers().add(std::make_shared<OutgoingHeader>(std::move(name), std::move(value)));
}

void AddStandardHeaders(PHttp::ResponseWriter& writer, const HttpServerResponse& response,
                        const std::string& mscv) {
  bool has_cache_control = false;
  for (const auto& [name, value] : response.headers) {
    has_cache_control |= AsciiLower(name) == "cache-control";
    AddHeader(writer, name, value);
  }
  if (!response.content_type.empty()) AddHeader(writer, "Content-Type", response.content_type);
  if (!has_cache_control) AddHeader(writer, "Cache-Control", "no-store");
  AddHeader(writer, "X-Content-Type-Options", "nosniff");
  AddHeader(writer, "Referrer-Policy", "no-referrer");
  AddHeader(writer, "ms-cv", mscv);
}

// Calls f once: on Run() or, failing that, on destruction.
class RunOnce {
 public:
  explicit RunOnce(std::function<void()> f) : f_(std::move(f)) {}
  ~RunOnce() { Run(); }
  RunOnce(const RunOnce&) = delete;
  RunOnce& operator=(const RunOnce&) = delete;
  void Run() {
    if (!done_.exchange(true) && f_) f_();
  }

 private:
  std::function<void()> f_;
  std::atomic<bool> done_{false};
};

// Writes the response. Pistache put "Connection: Close" on the writer for every request
// without a Connection header (the cause of one TCP connection per request); we replace
// it with our own decision and, when closing, half-close the socket once the response is
// on the wire, since Pistache itself never closes after "Connection: close".
void WriteResponse(PHttp::ResponseWriter& writer, const HttpServerResponse& response,
                   ConnectionChoice connection, const std::string& mscv,
                   std::function<void()> on_done) {
  writer.headers().remove<PHttp::Header::Connection>();
  if (connection.close) AddHeader(writer, "Connection", "close");
  if (connection.announce_keep_alive) AddHeader(writer, "Connection", "keep-alive");
  AddStandardHeaders(writer, response, mscv);
  std::weak_ptr<Pistache::Tcp::Peer> peer = writer.getPeer();
  const bool close = connection.close;
  // However the write ends (written, failed, or dropped unsettled when the
  // callbacks are destroyed), a closing connection is half-closed then.
  auto done = std::make_shared<RunOnce>([peer, close, on_done = std::move(on_done)] {
    if (close) {
      if (auto p = peer.lock()) ::shutdown(p->fd(), SHUT_WR);
    }
    on_done();
  });
  writer.send(static_cast<PHttp::Code>(response.status), response.body)
      .then([done](ssize_t) { done->Run(); }, [done](std::exception_ptr) { done->Run(); });
}

}  // namespace

using internal::InFlight;
using internal::OpenConnections;

struct HttpServer::State {
  HttpServerOptions options;
  MetricsRegistry* metrics = nullptr;
  HttpRouter router;
  std::vector<RouteMetrics> route_metrics;  // parallel to router.routes()
  RouteMetrics unmatched;
  std::unique_ptr<PHttp::Endpoint> endpoint;  // set while serving
  bool started = false;
  int reserved_fd = -1;  // ReservePort()'s socket until Start() listens
  std::atomic<uint16_t> bound_port{0};
  std::mutex mu;  // guards endpoint, started
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  std::shared_ptr<OpenConnections> connections = std::make_shared<OpenConnections>();
  std::unique_ptr<ThreadPool> blocking;  // set by Start(), runs Route() handlers

  RouteMetrics MakeRouteMetrics(const std::string& method, const std::string& route) {
    auto& requests =
        metrics->AddCounter("http_requests_total", "HTTP requests by route and status class",
                            {"method", "route", "class"});
    auto& durations = metrics->AddHistogram("http_request_duration_seconds",
                                            "HTTP request handling time", {"method", "route"});
    RouteMetrics m;
    const char* classes[] = {"2xx", "3xx", "4xx", "5xx"};
    for (size_t i = 0; i < m.by_class.size(); ++i)
      m.by_class[i] = &requests.With({method, route, classes[i]});
    m.duration = &durations.With({method, route});
    return m;
  }

  // The route for `request`, or the answer when there is none (413, 400, 404, 405).
  std::optional<HttpServerResponse> Route(HttpServerRequest& request, const PHttp::Request& raw,
                                          const HttpRouter::Route** route,
                                          const RouteMetrics** metrics_out) const;
  void Serve(const PHttp::Request& raw, PHttp::ResponseWriter writer) const;
};

namespace {

class PistacheHandler final : public PHttp::Handler {
 public:
  HTTP_PROTOTYPE(PistacheHandler)
  explicit PistacheHandler(std::shared_ptr<const HttpServer::State> state)
      : state_(std::move(state)) {}

  void onRequest(const PHttp::Request& request, PHttp::ResponseWriter writer) override {
    try {
      state_->Serve(request, std::move(writer));
    } catch (...) {
      // Serve() already turns handler exceptions into a 500; this is a last resort
      // for a failure while writing, where nothing more can be sent.
      LogError("http_internal_error", {{"path", request.resource()}});
    }
  }

 private:
  std::shared_ptr<const HttpServer::State> state_;
};

// What the log line of a handler's exception names; views into strings that
// outlive the call (the request's Completion, or the caller's copies).
struct RequestLabel {
  std::string_view method, path, mscv;
};

// Runs `handler` and makes sure the request is answered: an exception before the
// answer is logged and answered with a generic 500.
void Invoke(const AsyncHttpHandler& handler, HttpServerRequest request,
            const HttpResponder& respond, const RequestLabel& label) {
  std::string error;
  try {
    handler(std::move(request), respond);
    return;
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "non-standard exception";
  }
  LogError(
      "http_handler_exception",
      {{"method", label.method}, {"path", label.path}, {"error", error}, {"mscv", label.mscv}});
  respond(HttpServerResponse::JsonError(500, "internal_error",
                                        "The server could not complete the request."));
}

// What is needed to finish one request once its handler answers, on any thread:
// the log line and metrics, then the write, which Pistache queues to the
// connection's event loop.
struct Completion {
  Completion(PHttp::ResponseWriter w, ConnectionChoice c, std::chrono::steady_clock::time_point t,
             std::shared_ptr<InFlight> f)
      : writer(std::move(w)), connection(c), start(t), in_flight(std::move(f)) {}
  PHttp::ResponseWriter writer;
  ConnectionChoice connection;
  std::chrono::steady_clock::time_point start;
  std::shared_ptr<InFlight> in_flight;
  const RouteMetrics* metrics = nullptr;
  std::string method, path, remote_ip, mscv;

  RequestLabel label() const { return {method, path, mscv}; }
  void Finish(const HttpServerResponse& response) {
    // Logged and counted before the write is queued, so that whoever sees the
    // response also sees its log line and metrics (tests rely on it).
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const size_t class_index = std::clamp(response.status / 100 - 2, 0, 3);
    metrics->by_class[class_index]->Inc();
    metrics->duration->Observe(seconds);
    LogInfo("http_access", {{"method", method},
                            {"path", path},
                            {"status", response.status},
                            {"duration_ms", seconds * 1000.0},
                            {"bytes", static_cast<uint64_t>(response.body.size())},
                            {"remote_ip", remote_ip},
                            {"mscv", mscv}});
    WriteResponse(writer, response, connection, mscv, [f = in_flight] { f->End(); });
  }
};

}  // namespace

std::optional<HttpServerResponse> HttpServer::State::Route(HttpServerRequest& request,
                                                           const PHttp::Request& raw,
                                                           const HttpRouter::Route** route,
                                                           const RouteMetrics** metrics_out) const {
  *metrics_out = &unmatched;
  if (request.body.size() > options.max_request_bytes) {
    return HttpServerResponse::JsonError(413, "request_too_large",
                                         "The request body is too large.");
  }
  auto query = ParseQueryString(RawQueryString(raw));
  if (!query.ok())
    return HttpServerResponse::JsonError(400, "invalid_query", query.error().message);
  request.query = std::move(*query);
  HttpRouter::Match match = router.Find(request.method, request.path);
  switch (match.kind) {
    case HttpRouter::Match::Kind::kNotFound:
      return HttpServerResponse::JsonError(404, "not_found", "No such resource.");
    case HttpRouter::Match::Kind::kBadPath:
      return HttpServerResponse::JsonError(400, "invalid_path", "The path is not validly encoded.");
    case HttpRouter::Match::Kind::kMethodNotAllowed: {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      auto r = HttpServerResponse::JsonError(405, "method_not_allowed",
                                             "Method not allowed on this resource.");
      r.SetHeader("Allow", allow);
      return r;
    }
    case HttpRouter::Match::Kind::kFound:
      break;
  }
  *metrics_out = &route_metrics[match.route_index];
  *route = &router.routes()[match.route_index];
  request.path_params = std::move(match.params);
  return std::nullopt;
}

HttpServerResponse HttpServer::HandleInProcess(HttpServerRequest request) const {
  HttpRouter::Match match = state_->router.Find(request.method, request.path);
  if (match.kind == HttpRouter::Match::Kind::kMethodNotAllowed) {
    return HttpServerResponse::JsonError(405, "method_not_allowed",
                                         "Method not allowed on this resource.");
  }
  if (match.kind != HttpRouter::Match::Kind::kFound) {
    return HttpServerResponse::JsonError(404, "not_found", "No such resource.");
  }
  request.path_params = std::move(match.params);
  const std::string method = request.method, path = request.path, mscv = request.mscv;
  const AsyncHttpHandler& handler = state_->router.routes()[match.route_index].handler;
  return Await<HttpServerResponse>([&](std::function<void(HttpServerResponse)> answer) {
    Invoke(handler, std::move(request), HttpResponder(std::move(answer)), {method, path, mscv});
  });
}

void HttpServer::State::Serve(const PHttp::Request& raw, PHttp::ResponseWriter writer) const {
  const auto start = std::chrono::steady_clock::now();
  ConnectionChoice connection = ChooseConnection(raw);
  if (!in_flight->Begin()) connection.close = true;
  // Ends the in-flight count if anything below throws before the write is queued.
  auto in_flight_guard = std::unique_ptr<InFlight, void (*)(InFlight*)>(
      in_flight.get(), [](InFlight* f) { f->End(); });
  connections->Note(writer.getPeer());
  HttpServerRequest request = ToServerRequest(raw);
  request.mscv = RequestMscv(request);
  const HttpRouter::Route* route = nullptr;
  const RouteMetrics* metrics_for_route = &unmatched;
  std::optional<HttpServerResponse> early = Route(request, raw, &route, &metrics_for_route);
  auto completion = std::make_shared<Completion>(std::move(writer), connection, start, in_flight);
  completion->metrics = metrics_for_route;
  completion->method = request.method;
  completion->path = request.path;
  completion->remote_ip = request.remote_ip;
  completion->mscv = request.mscv;
  in_flight_guard.release();
  HttpResponder respond([completion](HttpServerResponse r) { completion->Finish(r); });
  if (early) return respond(std::move(*early));
  if (route->blocking) {
    blocking->Post([route, completion, request = std::move(request), respond]() mutable {
      Invoke(route->handler, std::move(request), respond, completion->label());
    });
    return;
  }
  Invoke(route->handler, std::move(request), respond, completion->label());
}

HttpServer::HttpServer(HttpServerOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->metrics = state_->options.metrics ? state_->options.metrics : &MetricsRegistry::Global();
  state_->unmatched = state_->MakeRouteMetrics("any", "unmatched");
  RouteAsync("GET", "/healthz", [](const HttpServerRequest&, const HttpResponder& respond) {
    respond(HttpServerResponse::Json(200, R"({"status":"ok"})"));
  });
  MetricsRegistry* registry = state_->metrics;
  RouteAsync("GET", "/metrics", [registry](const HttpServerRequest&, const HttpResponder& respond) {
    respond(HttpServerResponse::Text(200, registry->RenderPrometheus(),
                                     "text/plain; version=0.0.4; charset=utf-8"));
  });
}

HttpServer::~HttpServer() { Shutdown(); }

namespace {

void AddRoute(HttpServer::State& state, std::string method, std::string pattern,
              AsyncHttpHandler handler, bool blocking) {
  std::lock_guard lock(state.mu);
  if (state.started) throw std::logic_error("HttpServer::Route after Start");
  RouteMetrics m = state.MakeRouteMetrics(method, pattern);
  state.router.Add(std::move(method), std::move(pattern), std::move(handler), blocking);
  state.route_metrics.push_back(m);
}

}  // namespace

void HttpServer::Route(std::string method, std::string pattern, HttpHandler handler) {
  AddRoute(
      *state_, std::move(method), std::move(pattern),
      [handler = std::move(handler)](const HttpServerRequest& request,
                                     const HttpResponder& respond) { respond(handler(request)); },
      true);
}

void HttpServer::RouteAsync(std::string method, std::string pattern, AsyncHttpHandler handler) {
  AddRoute(*state_, std::move(method), std::move(pattern), std::move(handler), false);
}

namespace {

// A socket bound to address:0 with SO_REUSEPORT only (so a SO_REUSEADDR bind by
// anyone else fails while it is held); -1 on failure.
int BindEphemeral(const std::string& address, uint16_t* port) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  const bool v6 = address.find(':') != std::string::npos;
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&addr);
    a->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, address.c_str(), &a->sin6_addr) != 1) return -1;
    len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&addr);
    a->sin_family = AF_INET;
    if (inet_pton(AF_INET, address.c_str(), &a->sin_addr) != 1) return -1;
    len = sizeof(sockaddr_in);
  }
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return fd;
}

}  // namespace

uint16_t HttpServer::ReservePort() {
  std::lock_guard lock(state_->mu);
  if (state_->started) throw std::logic_error("HttpServer::ReservePort after Start");
  HttpServerOptions& o = state_->options;
  if (o.port != 0) return o.port;
  uint16_t port = 0;
  const int fd = BindEphemeral(o.address, &port);
  if (fd < 0) throw std::runtime_error("cannot reserve a port on " + o.address);
  state_->reserved_fd = fd;
  o.port = port;
  return port;
}

bool HttpServer::WrapRoute(std::string_view method, std::string_view pattern,
                           const std::function<AsyncHttpHandler(AsyncHttpHandler)>& wrap) {
  std::lock_guard lock(state_->mu);
  if (state_->started) throw std::logic_error("HttpServer::WrapRoute after Start");
  return state_->router.Wrap(method, pattern, wrap);
}

void HttpServer::Start() {
  std::lock_guard lock(state_->mu);
  if (state_->started) throw std::logic_error("HttpServer::Start called twice");
  const HttpServerOptions& o = state_->options;
  const auto timeout = std::chrono::milliseconds(o.request_timeout_ms);
  auto endpoint =
      std::make_unique<PHttp::Endpoint>(Pistache::Address(o.address, Pistache::Port(o.port)));
  const int threads = o.threads > 0
                          ? o.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  state_->blocking = std::make_unique<ThreadPool>(o.blocking_threads);
  endpoint->init(
      PHttp::Endpoint::options()
          .threads(threads)
          .flags(state_->reserved_fd >= 0
                     ? Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::ReusePort
                     : Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr))
          .maxRequestSize(o.max_request_bytes + kHeadAllowance)
          .headerTimeout(timeout)
          .bodyTimeout(timeout)
          .keepaliveTimeout(std::chrono::milliseconds(o.keepalive_timeout_ms)));
  endpoint->setHandler(std::make_shared<PistacheHandler>(state_));
  try {
    endpoint->serveThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + o.address + ":" + std::to_string(o.port) + ": " +
                             e.what());
  }
  if (state_->reserved_fd >= 0) {
    ::close(state_->reserved_fd);  // the listening socket holds the port now
    state_->reserved_fd = -1;
  }
  state_->bound_port = static_cast<uint16_t>(endpoint->getPort());
  state_->endpoint = std::move(endpoint);
  state_->started = true;
  LogInfo("http_listening",
          {{"address", o.address}, {"port", static_cast<int>(state_->bound_port)}});
}

uint16_t HttpServer::port() const { return state_->bound_port; }

void HttpServer::RunBlocking(std::function<void()> task) const {
  if (!state_->blocking) throw std::logic_error("HttpServer::RunBlocking before Start");
  state_->blocking->Post(std::move(task));
}

std::string HttpServer::BaseUrl() const {
  return "http://" + state_->options.address + ":" + std::to_string(port());
}

void HttpServer::Shutdown() {
  std::unique_ptr<PHttp::Endpoint> endpoint;
  {
    std::lock_guard lock(state_->mu);
    endpoint = std::move(state_->endpoint);
    if (state_->reserved_fd >= 0) ::close(state_->reserved_fd);  // reserved, never started
    state_->reserved_fd = -1;
  }
  if (!endpoint) return;
  if (!state_->in_flight->Drain(std::chrono::milliseconds(state_->options.shutdown_grace_ms))) {
    LogWarn("http_shutdown_requests_abandoned", {});
  }
  // Blocking handlers still running finish (and queue their writes) before the
  // event loops, which own the connections, go away.
  state_->blocking.reset();
  endpoint->shutdown();
  endpoint.reset();  // joins the event-loop threads
  state_->connections->CloseAll();
  state_->bound_port = 0;
}

}  // namespace vc::common
