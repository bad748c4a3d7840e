// A raw TCP client for server tests that need to see the connection itself
// (keep-alive, close), which an HTTP library would hide. Header-only, test use only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace vc::common::testing {

class RawHttpConnection {
 public:
  // `from`: the local address to connect from (any of 127.0.0.0/8 works on
  // Linux), so that a test can be several clients; empty = the default.
  explicit RawHttpConnection(uint16_t port, const char* from = nullptr)
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval tv{5, 0};  // a bound on a broken test, not a synchronisation
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (from != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      ::inet_pton(AF_INET, from, &local.sin_addr);
      ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawHttpConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }

  // One whole response (head and Content-Length body); empty on EOF or timeout.
  std::string ReadResponse() {
    while (true) {
      const size_t head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const size_t total = head_end + 4 + ContentLength(buffer_.substr(0, head_end));
        if (buffer_.size() >= total) {
          std::string response = buffer_.substr(0, total);
          buffer_.erase(0, total);
          return response;
        }
      }
      if (!ReadMore()) return {};
    }
  }

  // Only the next head (up to and including the blank line), e.g. "100 Continue";
  // empty on EOF or timeout.
  std::string ReadHead() {
    while (true) {
      const size_t head_end = buffer_.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::string head = buffer_.substr(0, head_end + 4);
        buffer_.erase(0, head_end + 4);
        return head;
      }
      if (!ReadMore()) return {};
    }
  }

  // Closes the client's socket now.
  void Close() {
    ::close(fd_);
    fd_ = -1;
  }

  // True when the server closed its side (recv returns 0) with nothing more buffered.
  bool ServerClosed() {
    char c;
    return buffer_.empty() && ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  static size_t ContentLength(const std::string& head) {
    for (std::string_view name : {"\r\nContent-Length:", "\r\ncontent-length:"}) {
      const size_t at = head.find(name);
      if (at != std::string::npos)
        return std::strtoul(head.c_str() + at + name.size(), nullptr, 10);
    }
    return 0;
  }

  bool ReadMore() {
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

}  // namespace vc::common::testing
