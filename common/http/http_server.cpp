#include "common/http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pistache/listener.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>
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
#include <unordered_map>

#include "common/base/await.h"
#include "common/base/json.h"
#include "common/base/log.h"
#include "common/base/text.h"
#include "common/base/thread_pool.h"
#include "common/http/http_router.h"
#include "common/http/internal/http_connection.h"
#include "common/http/internal/http_server_lifecycle.h"
#include "common/http/internal/http_wire.h"
#include "common/http/internal/write_pump.h"
#include "common/http/mscv.h"
#include "common/http/task_handler.h"

namespace vc::common {
namespace {

using internal::HttpConnection;
using internal::ParsedRequest;

struct RouteMetrics {
  std::array<Counter*, 4> by_class{};  // 2xx, 3xx, 4xx, 5xx (1xx is never final here)
  Histogram* duration = nullptr;
};

std::string RequestMscv(const HttpServerRequest& request) {
  if (auto header = request.Header("ms-cv")) {
    auto cv = CorrelationVector::Parse(*header);
    if (cv.ok() && cv->Extend().ok()) return cv->ToString();
  }
  return CorrelationVector::NewRandom().ToString();
}

}  // namespace

using internal::InFlight;

struct HttpServer::State {
  HttpServerOptions options;
  MetricsRegistry* metrics = nullptr;
  HttpRouter router;
  std::vector<RouteMetrics> route_metrics;  // parallel to router.routes()
  RouteMetrics unmatched;
  std::unique_ptr<Pistache::Tcp::Listener> listener;  // set while serving
  bool started = false;
  int reserved_fd = -1;  // ReservePort()'s socket until Start() listens
  std::atomic<uint16_t> bound_port{0};
  std::mutex mu;  // guards listener, started
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
  std::unique_ptr<ThreadPool> blocking;       // set by Start(), runs Route() handlers
  std::shared_ptr<internal::WritePump> pump;  // set by Start()
  internal::ConnectionLimits limits;
  Gauge* open_connections = nullptr;  // http_connections_open
  std::array<Counter*, 2> refused{};  // http_connections_refused_total{reason}
  std::unique_ptr<internal::ConnectionAdmission> admission;  // set by Start()

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

  // The route for `request`, or the answer when there is none (400, 404, 405).
  std::optional<HttpServerResponse> Route(HttpServerRequest& request, std::string_view raw_query,
                                          const HttpRouter::Route** route,
                                          const RouteMetrics** metrics_out) const;
  // One parsed request of `connection`: routes it and runs its handler (here, or on
  // the blocking pool); the answer is written to the connection from whichever
  // thread gives it.
  void Serve(const std::shared_ptr<HttpConnection>& connection, ParsedRequest parsed) const;
};

namespace {

// Pistache's TCP layer calls this on the event loop of the connection's worker;
// Pistache clones one per worker, so `connections_` is only touched by one thread.
class TcpHandler final : public Pistache::Tcp::Handler {
 public:
  PROTOTYPE_OF(Pistache::Tcp::Handler, TcpHandler)
  explicit TcpHandler(std::shared_ptr<const HttpServer::State> state) : state_(std::move(state)) {}

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    std::string address = peer->address().host();
    const auto verdict = state_->admission->Admit(address);
    if (verdict != internal::ConnectionAdmission::Verdict::kAdmitted) {
      return Refuse(*peer, verdict);
    }
    std::weak_ptr<const HttpServer::State> weak = state_;
    auto connection = std::make_shared<HttpConnection>(
        peer->fd(), std::move(address), state_->limits, state_->pump,
        [weak](const std::shared_ptr<HttpConnection>& c, ParsedRequest request) {
          if (auto state = weak.lock()) state->Serve(c, std::move(request));
        });
    state_->pump->Add(connection);
    state_->open_connections->Add(1);
    connections_[peer->fd()] = std::move(connection);
  }

  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto it = connections_.find(peer->fd());
    if (it == connections_.end()) return;
    // Keeps the connection alive through handlers that finish on this thread.
    std::shared_ptr<HttpConnection> connection = it->second;
    try {
      connection->Feed(buffer, len);
    } catch (...) {
      // Serve() turns handler exceptions into a 500; this is a last resort for a
      // failure while answering, where nothing more can be sent.
      LogError("http_internal_error", {});
    }
  }

  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto it = connections_.find(peer->fd());
    if (it == connections_.end()) return;
    it->second->MarkClosed();  // before Pistache closes the fd
    state_->pump->Remove(it->second->id());
    state_->admission->Release(it->second->remote_ip());
    state_->open_connections->Add(-1);
    connections_.erase(it);
  }

 private:
  // Over a limit: one 503 that says so, then the socket is closed; Pistache's
  // loop sees the end and forgets the peer.
  void Refuse(const Pistache::Tcp::Peer& peer,
              internal::ConnectionAdmission::Verdict verdict) const {
    const bool per_address = verdict == internal::ConnectionAdmission::Verdict::kTooManyFromAddress;
    state_->refused[per_address ? 1 : 0]->Inc();
    LogWarn("http_connection_refused",
            {{"reason", per_address ? "per_ip" : "total"}, {"remote_ip", peer.address().host()}});
    auto answer = HttpServerResponse::JsonError(
        503, "too_many_connections",
        per_address ? "Too many connections from this address; close some and try again."
                    : "The server has too many connections; try again shortly.");
    answer.SetHeader("Retry-After", "1");
    const std::string wire = internal::SerializeResponse(answer, {.close = true}, "");
    [[maybe_unused]] auto n =
        ::send(peer.fd(), wire.data(), wire.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::shutdown(peer.fd(), SHUT_RDWR);
  }

  std::shared_ptr<const HttpServer::State> state_;
  std::unordered_map<int, std::shared_ptr<HttpConnection>> connections_;
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
  try {
    handler(std::move(request), respond);
  } catch (...) {
    respond(HandlerFailed(std::current_exception(), label.method, label.path, label.mscv));
  }
}

// What is needed to finish one request once its handler answers, on any thread:
// the log line and metrics, then the write to the connection.
struct Completion {
  std::shared_ptr<HttpConnection> connection;
  internal::Framing framing;
  std::chrono::steady_clock::time_point start;
  std::shared_ptr<InFlight> in_flight;
  const RouteMetrics* metrics = nullptr;
  std::string method, path, remote_ip, mscv;

  RequestLabel label() const { return {method, path, mscv}; }
  void Finish(const HttpServerResponse& response) {
    // Logged and counted before the write, so that whoever sees the response also
    // sees its log line and metrics (tests rely on it).
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
    connection->Respond(internal::SerializeResponse(response, framing, mscv), framing.close,
                        [f = in_flight] { f->End(); });
  }
};

}  // namespace

HttpServerResponse HandlerFailed(std::exception_ptr error, std::string_view method,
                                 std::string_view path, std::string_view mscv) {
  std::string what = "non-standard exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  LogError("http_handler_exception",
           {{"method", method}, {"path", path}, {"error", what}, {"mscv", mscv}});
  return HttpServerResponse::JsonError(500, "internal_error",
                                       "The server could not complete the request.");
}

std::optional<HttpServerResponse> HttpServer::State::Route(HttpServerRequest& request,
                                                           std::string_view raw_query,
                                                           const HttpRouter::Route** route,
                                                           const RouteMetrics** metrics_out) const {
  *metrics_out = &unmatched;
  auto query = ParseQueryString(raw_query);
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

void HttpServer::State::Serve(const std::shared_ptr<HttpConnection>& connection,
                              ParsedRequest parsed) const {
  HttpServerRequest& request = parsed.request;
  internal::Framing framing;
  framing.close = !parsed.keep_alive || parsed.error_status != 0;
  framing.announce_keep_alive = parsed.http10 && parsed.keep_alive;
  framing.head_only = parsed.head_only;
  if (!in_flight->Begin()) framing.close = true;
  request.mscv = RequestMscv(request);
  const HttpRouter::Route* route = nullptr;
  const RouteMetrics* metrics_for_route = &unmatched;
  std::optional<HttpServerResponse> early;
  if (parsed.error_status != 0) {
    early =
        HttpServerResponse::JsonError(parsed.error_status, parsed.error_code, parsed.error_message);
  } else {
    early = Route(request, parsed.raw_query, &route, &metrics_for_route);
  }
  auto completion = std::make_shared<Completion>();
  completion->connection = connection;
  completion->framing = framing;
  completion->start = parsed.start;
  completion->in_flight = in_flight;
  completion->metrics = metrics_for_route;
  completion->method = request.method;
  completion->path = request.path;
  completion->remote_ip = request.remote_ip;
  completion->mscv = request.mscv;
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
  state_->open_connections =
      &state_->metrics->AddGauge("http_connections_open", "Client connections open").With({});
  auto& refused = state_->metrics->AddCounter(
      "http_connections_refused_total", "Connections closed at once: over a limit", {"reason"});
  state_->refused = {&refused.With({"total"}), &refused.With({"per_ip"})};
  RouteAsync("GET", "/healthz",
             [check = state_->options.health_check](const HttpServerRequest&,
                                                    const HttpResponder& respond) {
               const std::string problem = check ? check() : "";
               if (problem.empty())
                 return respond(HttpServerResponse::Json(200, R"({"status":"ok"})"));
               JsonWriter w;
               w->StartObject();
               w.Member("status", "unhealthy");
               w.Member("reason", problem);
               w->EndObject();
               respond(HttpServerResponse::Json(503, w.str()));
             });
  MetricsRegistry* registry = state_->metrics;
  RouteAsync(
      "GET", "/metrics",
      [registry, access = state_->options.metrics_access, text = state_->options.metrics_text](
          const HttpServerRequest& request, const HttpResponder& respond) {
        if (access && !access(request)) {
          return respond(HttpServerResponse::JsonError(403, "forbidden",
                                                       "metrics are not open to this client"));
        }
        respond(HttpServerResponse::Text(200, text ? text() : registry->RenderPrometheus(),
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
  const int threads = o.threads > 0
                          ? o.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  internal::ConnectionLimits& limits = state_->limits;
  limits.max_body_bytes = o.max_request_bytes;
  limits.request_timeout = std::chrono::milliseconds(o.request_timeout_ms);
  limits.keepalive_timeout = std::chrono::milliseconds(o.keepalive_timeout_ms);
  // Timeouts are checked a few times per their length, at most every 250 ms.
  const auto sweep = std::clamp(std::min(limits.request_timeout, limits.keepalive_timeout) / 4,
                                std::chrono::milliseconds(10), std::chrono::milliseconds(250));
  state_->pump = std::make_shared<internal::WritePump>(sweep);
  state_->admission =
      std::make_unique<internal::ConnectionAdmission>(o.max_connections, o.max_connections_per_ip);
  state_->blocking = std::make_unique<ThreadPool>(o.blocking_threads);
  using Pistache::Tcp::Options;
  auto listener = std::make_unique<Pistache::Tcp::Listener>(
      Pistache::Address(o.address, Pistache::Port(o.port)));
  Options flags = Options::ReuseAddr | Options::NoDelay;
  if (state_->reserved_fd >= 0) flags = flags | Options::ReusePort;
  listener->init(static_cast<size_t>(threads), Pistache::Flags<Options>(flags));
  listener->setHandler(std::make_shared<TcpHandler>(state_));
  try {
    listener->bind();
    state_->pump->Start();
    listener->runThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + o.address + ":" + std::to_string(o.port) + ": " +
                             e.what());
  }
  if (state_->reserved_fd >= 0) {
    ::close(state_->reserved_fd);  // the listening socket holds the port now
    state_->reserved_fd = -1;
  }
  state_->bound_port = static_cast<uint16_t>(listener->getPort());
  state_->listener = std::move(listener);
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
  std::unique_ptr<Pistache::Tcp::Listener> listener;
  {
    std::lock_guard lock(state_->mu);
    listener = std::move(state_->listener);
    if (state_->reserved_fd >= 0) ::close(state_->reserved_fd);  // reserved, never started
    state_->reserved_fd = -1;
  }
  if (!listener) return;
  if (!state_->in_flight->Drain(std::chrono::milliseconds(state_->options.shutdown_grace_ms))) {
    LogWarn("http_shutdown_requests_abandoned", {});
  }
  // Blocking handlers still running finish (and write their answers) before the
  // event loops, which own the sockets, go away.
  state_->blocking.reset();
  listener->shutdown();
  listener.reset();  // joins the event-loop threads
  state_->pump->Stop();
  // Pistache leaves the sockets of its peers open when it stops.
  for (const auto& connection : state_->pump->TakeAll()) {
    connection->CloseSocket();
    state_->open_connections->Add(-1);
  }
  state_->bound_port = 0;
}

}  // namespace vc::common
