#include "common/http/internal/http_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>

#include "common/base/text.h"
#include "common/http/internal/http_wire.h"
#include "common/http/internal/write_pump.h"

namespace vc::common::internal {
namespace {

std::atomic<uint64_t> next_connection_id{1};

// A client may send the next requests while one is handled; more than this many
// bytes waiting is not a client that waits for answers.
constexpr size_t kPipelineSlack = 64 * 1024;

// on_headers_complete: 1 and 2 mean "no body" and "upgrade"; anything else fails.
constexpr int kHeadersError = -1;

HttpConnection* Self(http_parser* p) { return static_cast<HttpConnection*>(p->data); }

void TrimTrailingSpace(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
}

}  // namespace

const http_parser_settings HttpConnection::kSettings = [] {
  http_parser_settings s{};
  s.on_message_begin = &HttpConnection::OnMessageBegin;
  s.on_url = &HttpConnection::OnUrl;
  s.on_header_field = &HttpConnection::OnHeaderField;
  s.on_header_value = &HttpConnection::OnHeaderValue;
  s.on_headers_complete = &HttpConnection::OnHeadersComplete;
  s.on_body = &HttpConnection::OnBody;
  s.on_message_complete = &HttpConnection::OnMessageComplete;
  return s;
}();

HttpConnection::HttpConnection(int fd, std::string remote_ip, const ConnectionLimits& limits,
                               std::shared_ptr<WritePump> pump, RequestSink sink)
    : fd_(fd),
      id_(next_connection_id.fetch_add(1)),
      remote_ip_(std::move(remote_ip)),
      limits_(limits),
      pump_(std::move(pump)),
      sink_(std::move(sink)),
      last_activity_(std::chrono::steady_clock::now()) {
  http_parser_init(&parser_, HTTP_REQUEST);
  parser_.data = this;
}

void HttpConnection::Feed(const char* data, size_t len) {
  std::optional<ParsedRequest> ready;
  {
    std::lock_guard lock(mu_);
    if (closed_ || phase_ == Phase::kDone) return;
    last_activity_ = std::chrono::steady_clock::now();
    if (input_.size() + len > limits_.max_head_bytes + limits_.max_body_bytes + kPipelineSlack) {
      FailSocketLocked();
      return;
    }
    input_.append(data, len);
    if (phase_ == Phase::kIdle || phase_ == Phase::kReceiving) ready = ParseLocked();
  }
  if (ready) sink_(shared_from_this(), std::move(*ready));
}

std::optional<ParsedRequest> HttpConnection::ParseLocked() {
  if (input_.empty()) return std::nullopt;
  const size_t used = http_parser_execute(&parser_, &kSettings, input_.data(), input_.size());
  if (message_complete_) {
    message_complete_ = false;
    http_parser_pause(&parser_, 0);
    input_.erase(0, used);
    phase_ = Phase::kHandling;
    return std::move(current_);
  }
  if (HTTP_PARSER_ERRNO(&parser_) != HPE_OK) {
    phase_ = Phase::kHandling;
    input_.clear();
    if (parse_error_status_ == 413)
      return Failure(413, "request_too_large", "The request body is too large.");
    if (parse_error_status_ == 431)
      return Failure(431, "headers_too_large", "The request line or headers are too large.");
    return Failure(400, "bad_request", "The request is not valid HTTP/1.1.");
  }
  input_.clear();
  return std::nullopt;
}

ParsedRequest HttpConnection::Failure(int status, std::string code, std::string message) {
  ParsedRequest r;
  r.request.remote_ip = remote_ip_;
  r.request.method = "-";
  r.request.path = "-";
  r.keep_alive = false;
  r.error_status = status;
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  r.start = std::chrono::steady_clock::now();
  return r;
}

void HttpConnection::Respond(std::string wire, bool close, std::function<void()> done) {
  std::optional<ParsedRequest> next;
  std::function<void()> finished;
  {
    std::lock_guard lock(mu_);
    if (closed_ || phase_ == Phase::kDone) {
      finished = std::move(done);
    } else {
      out_ = std::move(wire);
      out_offset_ = 0;
      close_after_ = close;
      done_ = std::move(done);
      phase_ = Phase::kWriting;
      last_activity_ = std::chrono::steady_clock::now();
      if (!WriteLocked()) {
        FailSocketLocked();
        finished = std::move(done_);
      } else if (out_offset_ < out_.size()) {
        pump_->Watch(shared_from_this());
      } else {
        next = AfterWrittenLocked(&finished);
      }
    }
  }
  if (finished) finished();
  if (next) sink_(shared_from_this(), std::move(*next));
}

bool HttpConnection::WriteLocked() {
  while (out_offset_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + out_offset_, out_.size() - out_offset_,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_offset_ += static_cast<size_t>(n);
      last_activity_ = std::chrono::steady_clock::now();
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

std::optional<ParsedRequest> HttpConnection::AfterWrittenLocked(std::function<void()>* done) {
  *done = std::move(done_);
  done_ = nullptr;
  out_.clear();
  out_offset_ = 0;
  served_ = true;
  if (close_after_) {
    ::shutdown(fd_, SHUT_WR);
    phase_ = Phase::kDone;
    input_.clear();
    return std::nullopt;
  }
  phase_ = Phase::kIdle;
  return ParseLocked();
}

void HttpConnection::ContinueWrite() {
  std::optional<ParsedRequest> next;
  std::function<void()> finished;
  {
    std::lock_guard lock(mu_);
    if (closed_ || phase_ != Phase::kWriting) return;
    if (!WriteLocked()) {
      FailSocketLocked();
      finished = std::move(done_);
    } else if (out_offset_ == out_.size()) {
      pump_->Unwatch(id_, fd_);
      next = AfterWrittenLocked(&finished);
    }
  }
  if (finished) finished();
  if (next) sink_(shared_from_this(), std::move(*next));
}

void HttpConnection::FailSocketLocked() {
  // Pistache's loop sees the end of the stream, calls MarkClosed() and closes the fd.
  pump_->Unwatch(id_, fd_);
  ::shutdown(fd_, SHUT_RDWR);
  phase_ = Phase::kDone;
  input_.clear();
}

void HttpConnection::MarkClosed() {
  std::function<void()> finished;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    pump_->Unwatch(id_, fd_);
    closed_ = true;
    phase_ = Phase::kDone;
    finished = std::move(done_);
    done_ = nullptr;
  }
  if (finished) finished();
}

void HttpConnection::CheckTimeouts(std::chrono::steady_clock::time_point now) {
  std::optional<ParsedRequest> timed_out;
  std::function<void()> finished;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    switch (phase_) {
      case Phase::kIdle:
        if (now - last_activity_ >
            (served_ ? limits_.keepalive_timeout : limits_.request_timeout)) {
          FailSocketLocked();
        }
        break;
      case Phase::kReceiving:
        if (now - current_.start > limits_.request_timeout) {
          phase_ = Phase::kHandling;
          input_.clear();
          timed_out = Failure(408, "request_timeout", "The request was not received in time.");
        }
        break;
      case Phase::kWriting:
        if (now - last_activity_ > limits_.request_timeout) {
          FailSocketLocked();
          finished = std::move(done_);
          done_ = nullptr;
        }
        break;
      case Phase::kDone:
        // Half-closed after a response; a client that never closes its side.
        if (now - last_activity_ > limits_.request_timeout) ::shutdown(fd_, SHUT_RDWR);
        break;
      case Phase::kHandling:
        break;
    }
  }
  if (finished) finished();
  if (timed_out) sink_(shared_from_this(), std::move(*timed_out));
}

void HttpConnection::CloseSocket() {
  std::function<void()> finished;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    pump_->Unwatch(id_, fd_);
    ::close(fd_);
    finished = std::move(done_);
    done_ = nullptr;
  }
  if (finished) finished();
}

// --- http-parser callbacks: run inside ParseLocked(), with mu_ held. ---

int HttpConnection::OnMessageBegin(http_parser* p) {
  HttpConnection& c = *Self(p);
  c.current_ = ParsedRequest{};
  c.current_.start = std::chrono::steady_clock::now();
  c.current_.request.remote_ip = c.remote_ip_;
  c.url_.clear();
  c.header_name_.clear();
  c.in_value_ = false;
  c.head_bytes_ = 0;
  c.parse_error_status_ = 0;
  c.phase_ = Phase::kReceiving;
  return 0;
}

int HttpConnection::OnUrl(http_parser* p, const char* at, size_t len) {
  HttpConnection& c = *Self(p);
  c.head_bytes_ += len;
  if (c.head_bytes_ > c.limits_.max_head_bytes) {
    c.parse_error_status_ = 431;
    return 1;
  }
  c.url_.append(at, len);
  return 0;
}

int HttpConnection::OnHeaderField(http_parser* p, const char* at, size_t len) {
  HttpConnection& c = *Self(p);
  c.head_bytes_ += len + 4;  // ": " and CRLF
  if (c.head_bytes_ > c.limits_.max_head_bytes) {
    c.parse_error_status_ = 431;
    return 1;
  }
  auto& headers = c.current_.request.headers;
  if (c.in_value_ || headers.empty()) headers.emplace_back();
  c.in_value_ = false;
  for (size_t i = 0; i < len; ++i) headers.back().first.push_back(AsciiLower(at[i]));
  return 0;
}

int HttpConnection::OnHeaderValue(http_parser* p, const char* at, size_t len) {
  HttpConnection& c = *Self(p);
  c.head_bytes_ += len;
  if (c.head_bytes_ > c.limits_.max_head_bytes) {
    c.parse_error_status_ = 431;
    return 1;
  }
  c.in_value_ = true;
  c.current_.request.headers.back().second.append(at, len);
  return 0;
}

int HttpConnection::OnHeadersComplete(http_parser* p) {
  HttpConnection& c = *Self(p);
  ParsedRequest& r = c.current_;
  if (!c.url_.empty() && c.url_.front() == '/') {  // origin-form, nearly every request
    const size_t q = c.url_.find('?');
    r.request.path = c.url_.substr(0, q);
    if (q != std::string::npos) r.raw_query = c.url_.substr(q + 1);
  } else {  // absolute-form (or "*"): take its path and query
    http_parser_url u;
    http_parser_url_init(&u);
    if (http_parser_parse_url(c.url_.data(), c.url_.size(), 0, &u) != 0) return kHeadersError;
    r.request.path = (u.field_set & (1 << UF_PATH))
                         ? c.url_.substr(u.field_data[UF_PATH].off, u.field_data[UF_PATH].len)
                         : "/";
    if (u.field_set & (1 << UF_QUERY))
      r.raw_query = c.url_.substr(u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len);
  }
  const size_t fragment = r.raw_query.find('#');
  if (fragment != std::string::npos) r.raw_query.resize(fragment);
  r.request.method = http_method_str(static_cast<http_method>(p->method));
  r.http10 = p->http_major == 1 && p->http_minor == 0;
  r.keep_alive = http_should_keep_alive(p) != 0;
  r.head_only = p->method == HTTP_HEAD;
  bool expect_continue = false;
  for (auto& [name, value] : r.request.headers) {
    TrimTrailingSpace(value);
    if (name == "cookie") ParseCookieHeader(value, r.request.cookies);
    if (name == "expect") expect_continue = HasToken(value, "100-continue");
  }
  if (p->content_length != ULLONG_MAX && p->content_length > c.limits_.max_body_bytes) {
    c.parse_error_status_ = 413;
    return kHeadersError;
  }
  if (expect_continue && !r.http10) {
    constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    [[maybe_unused]] auto n =
        ::send(c.fd_, kContinue.data(), kContinue.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  return 0;
}

int HttpConnection::OnBody(http_parser* p, const char* at, size_t len) {
  HttpConnection& c = *Self(p);
  std::string& body = c.current_.request.body;
  if (body.size() + len > c.limits_.max_body_bytes) {
    c.parse_error_status_ = 413;
    return 1;
  }
  body.append(at, len);
  return 0;
}

int HttpConnection::OnMessageComplete(http_parser* p) {
  Self(p)->message_complete_ = true;
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace vc::common::internal
