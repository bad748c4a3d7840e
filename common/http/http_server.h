// The HTTP listener. Pistache's TCP layer accepts, reads and closes the sockets;
// requests are parsed by nodejs http-parser (common/http/internal/http_connection.h)
// and answers are written straight to the socket. The event-loop threads (one per
// core by default) read and parse and never wait: an AsyncHttpHandler (RouteAsync)
// runs on the loop and answers later through its HttpResponder, from whichever
// thread completes its work, which also writes the answer; an HttpHandler (Route),
// which may block, runs on a pool of blocking threads. Every request gets, whatever
// its handler does:
//   - HTTP/1.1 persistent connections (RFC 9112 §9.3): open unless the client says
//     "Connection: close" (HTTP/1.0: only with "keep-alive"); pipelined requests are
//     answered in order, one at a time; "Expect: 100-continue" is honoured;
//   - limits, as JSON errors that close the connection: a body over
//     max_request_bytes is 413 (before it is read when declared), a request line
//     and headers over 32 KiB 431, malformed HTTP 400, a request not received
//     within request_timeout_ms 408; idle connections close after
//     keepalive_timeout_ms; a client that reads nothing of its answer for
//     request_timeout_ms is dropped, without holding any thread meanwhile;
//   - 404 and 405 (with Allow) as JSON errors, 400 for malformed query strings or
//     path parameters;
//   - no exception escaping a handler: it is logged and answered with a generic 500;
//   - security headers (X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer,
//     Cache-Control: no-store unless the handler set its own) and Date;
//   - a correlation vector: the incoming `ms-cv` header extended (or a new one),
//     exposed as HttpServerRequest::mscv and echoed in the response `ms-cv` header;
//   - one access-log line (event "http_access": method, path without the query
//     string, status, duration_ms, bytes, remote_ip, mscv) and metrics
//     http_requests_total{route,method,class}, http_request_duration_seconds{route}
//     and http_connections_open.
// Built in: GET /healthz -> {"status":"ok"} (or 503 when options.health_check
// says otherwise), GET /metrics -> Prometheus text (options.metrics_access and
// metrics_text may restrict who reads it and what it shows).
// An answer that comes after its client has gone is dropped: it can never reach
// another connection that reused the socket's number.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/base/metrics.h"
#include "common/http/http_message.h"

namespace vc::common {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;                   // 0 = an ephemeral port; read it from HttpServer::port()
  int threads = 0;                     // event-loop threads; 0 = one per core
  int blocking_threads = 16;           // the pool that runs Route() handlers
  size_t max_request_bytes = 1 << 20;  // body limit (413)
  long request_timeout_ms = 30'000;    // to receive a request (408), or for a client to read
  long keepalive_timeout_ms = 60'000;  // idle persistent connections are closed after
  long shutdown_grace_ms = 10'000;     // Shutdown() waits this long for running requests
  // Open client connections at most, in all and from one remote address; one
  // more is answered 503 and closed at once (http_connections_refused_total).
  // 0 = no limit. The total leaves file descriptors for the listener, outbound
  // calls and storage; behind a reverse proxy every client shares its address.
  size_t max_connections = 10'000;
  size_t max_connections_per_ip = 256;
  MetricsRegistry* metrics = nullptr;  // nullptr = MetricsRegistry::Global()
  // GET /healthz: "" when healthy, else what is not (503 {"status":"unhealthy",
  // "reason":…}); nullptr = always healthy. Runs on the event loop: must not block.
  std::function<std::string()> health_check;
  // GET /metrics: whether this request may read them (403 when not); nullptr = anyone.
  std::function<bool(const HttpServerRequest&)> metrics_access;
  // GET /metrics: the text served; nullptr = the registry's RenderPrometheus().
  std::function<std::string()> metrics_text;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();  // Shutdown()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a handler for `method` and `pattern` (see http_router.h). Only before
  // Start(); throws std::logic_error after, std::invalid_argument on a bad pattern.
  // A Route() handler may block (storage, outbound calls): it runs on the blocking
  // pool. A RouteAsync() handler must not: it runs on the event loop.
  void Route(std::string method, std::string pattern, HttpHandler handler);
  void RouteAsync(std::string method, std::string pattern, AsyncHttpHandler handler);
  // Wraps the handler registered for exactly (method, pattern): the handler
  // becomes wrap(handler). Decorators such as rate limits use it, so that the
  // components that register routes stay unaware of them. Only before Start()
  // (std::logic_error after); false when no such route is registered.
  bool WrapRoute(std::string_view method, std::string_view pattern,
                 const std::function<AsyncHttpHandler(AsyncHttpHandler)>& wrap);

  // With port 0: picks the ephemeral port now and holds it (a bound, not yet
  // listening SO_REUSEPORT socket) until Start() listens on it, so the public URL
  // is known while components are still being built. Returns the port; with a
  // fixed port returns it unchanged. Throws std::runtime_error when no port can
  // be bound. Only before Start().
  uint16_t ReservePort();

  // Binds and serves on background threads; returns once the socket is listening.
  // Throws std::runtime_error when the address cannot be bound.
  void Start();

  // The bound port (useful with port 0); 0 before Start().
  uint16_t port() const;
  // "http://address:port".
  std::string BaseUrl() const;

  // Runs the handler routed for `request` on the calling thread, without a socket,
  // and waits for its answer: routing (404/405 as JSON errors), path parameters and
  // the exception guard, but no access log, metrics or body limit. For one
  // component of this process calling another (the verifier calling the embedded
  // Request Service) from a thread that may block: never from an event loop or a
  // storage completion, which the answer may be waiting for.
  HttpServerResponse HandleInProcess(HttpServerRequest request) const;

  // Runs `task` on the blocking pool: for an asynchronous handler that finds it
  // must block after all (a key fetch on a cache miss, say). Only after Start().
  void RunBlocking(std::function<void()> task) const;

  // Graceful stop: requests that arrive from now on are answered with
  // "Connection: close"; waits (up to shutdown_grace_ms) until every request received
  // has its response written, then stops listening, joins the threads and closes the
  // connections still open. Idempotent; a stopped server cannot be started again.
  void Shutdown();

  struct State;  // implementation detail, defined in http_server.cpp

 private:
  std::shared_ptr<State> state_;
};

}  // namespace vc::common
