// Internal to the HTTP server: one client connection, over a socket that Pistache's
// TCP layer accepts, reads and closes. The connection parses HTTP/1.1 requests
// (nodejs http-parser), hands each complete one to the server, and writes the
// answer straight to the socket from whichever thread produced it; what the socket
// does not take at once is finished by the WritePump. Requests on one connection
// are handled one at a time, in order: bytes of a pipelined next request wait until
// the answer to the current one is written.
//
// Thread safety: every method may be called from any thread. The socket is never
// touched after MarkClosed(), which Pistache's loop calls before it closes the fd,
// so a late answer can never reach a new connection that reused the fd number.
#pragma once

#include <http_parser.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "common/http/http_message.h"

namespace vc::common::internal {

class WritePump;

struct ConnectionLimits {
  size_t max_head_bytes = 32 * 1024;                    // request line + headers; more is 431
  size_t max_body_bytes = 1 << 20;                      // more is 413
  std::chrono::milliseconds request_timeout{30'000};    // head + body; then 408
  std::chrono::milliseconds keepalive_timeout{60'000};  // idle; then closed
  // A new connection must send its first request within request_timeout.
};

// One request as parsed; `error_status` != 0 when it could not be (400, 413, 431,
// 408): the server answers that and closes.
struct ParsedRequest {
  HttpServerRequest request;  // method, path, headers, cookies, body, remote_ip
  std::string raw_query;      // after '?', still percent-encoded
  bool keep_alive = true;     // RFC 9112 §9.3, from the version and Connection
  bool http10 = false;
  bool head_only = false;
  int error_status = 0;
  std::string error_code, error_message;
  std::chrono::steady_clock::time_point start;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  using RequestSink = std::function<void(const std::shared_ptr<HttpConnection>&, ParsedRequest)>;

  HttpConnection(int fd, std::string remote_ip, const ConnectionLimits& limits,
                 std::shared_ptr<WritePump> pump, RequestSink sink);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Bytes read from the socket (Pistache's loop). Calls the sink, outside any
  // lock, for each request that completes and may be handled now.
  void Feed(const char* data, size_t len);

  // Writes one response (the whole wire bytes). `close` half-closes the socket once
  // it is written and ignores further input. `done` runs once the bytes are handed
  // to the kernel, or when the connection ended first.
  void Respond(std::string wire, bool close, std::function<void()> done);

  // Pistache's loop, before it closes the fd: nothing touches the socket after.
  void MarkClosed();

  // The WritePump, when the socket is writable again: writes what is left.
  void ContinueWrite();

  // The WritePump's periodic check: closes an idle connection after the keep-alive
  // timeout, answers 408 to a request still arriving after the request timeout, and
  // drops a client that reads nothing for the request timeout.
  void CheckTimeouts(std::chrono::steady_clock::time_point now);

  // Shutdown, after Pistache's loops are joined: closes the socket if still open.
  void CloseSocket();

  int fd() const { return fd_; }
  uint64_t id() const { return id_; }
  const std::string& remote_ip() const { return remote_ip_; }

 private:
  enum class Phase { kIdle, kReceiving, kHandling, kWriting, kDone };

  // Parses buffered input until a request completes (returned) or input runs out.
  // Requires mu_ held and phase_ kIdle or kReceiving.
  std::optional<ParsedRequest> ParseLocked();
  // Sends out_ from out_offset_; false when the socket failed (connection dropped).
  bool WriteLocked();
  // After a response is fully written: the next request, if one is buffered.
  std::optional<ParsedRequest> AfterWrittenLocked(std::function<void()>* done);
  ParsedRequest Failure(int status, std::string code, std::string message);
  void FailSocketLocked();

  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, size_t len);
  static int OnHeaderField(http_parser* p, const char* at, size_t len);
  static int OnHeaderValue(http_parser* p, const char* at, size_t len);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, size_t len);
  static int OnMessageComplete(http_parser* p);
  static const http_parser_settings kSettings;

  const int fd_;
  const uint64_t id_;
  const std::string remote_ip_;
  const ConnectionLimits limits_;
  const std::shared_ptr<WritePump> pump_;
  const RequestSink sink_;

  std::mutex mu_;
  bool closed_ = false;  // MarkClosed() or CloseSocket(): never touch fd_ again
  Phase phase_ = Phase::kIdle;
  http_parser parser_{};
  std::string input_;  // received, not yet parsed
  ParsedRequest current_;
  std::string header_name_, url_;
  bool in_value_ = false, message_complete_ = false;
  size_t head_bytes_ = 0;
  int parse_error_status_ = 0;
  bool close_after_ = false;
  bool served_ = false;  // an answer was written: idle now means keep-alive
  std::string out_;
  size_t out_offset_ = 0;
  std::function<void()> done_;
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace vc::common::internal
