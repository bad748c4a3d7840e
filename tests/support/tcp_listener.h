// A TCP listener on 127.0.0.1:0 that counts the connections it accepts, for
// tests that must show a server did NOT connect somewhere (SSRF) or that a
// connection was held: kAnswer reads one request head and answers 200 "{}";
// kHold (a tarpit) answers nothing and keeps every connection open until
// Release() or destruction. Header-only, test use only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vc::testing {

class TcpListener {
 public:
  enum class Mode { kAnswer, kHold };

  explicit TcpListener(Mode mode) : mode_(mode), fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 128);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Accept(); });
  }
  ~TcpListener() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    thread_.join();
    ::close(fd_);
    Release();
  }
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  uint16_t port() const { return port_; }
  int connections() {
    std::lock_guard lock(mu_);
    return connections_;
  }
  // Waits until at least `n` connections were accepted; false after `limit`
  // (a bound on a broken test, not a synchronisation).
  bool WaitFor(int n, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return connections_ >= n; });
  }
  // Closes the held connections (their clients see the end of the stream).
  void Release() {
    std::lock_guard lock(mu_);
    for (int fd : held_) ::close(fd);
    held_.clear();
  }

 private:
  void Accept() {
    for (;;) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);  // wakes to see stop_ too
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
      }
      if (ready <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      {
        std::lock_guard lock(mu_);
        ++connections_;
        if (mode_ == Mode::kHold) held_.push_back(c);
      }
      cv_.notify_all();
      if (mode_ == Mode::kAnswer) Answer(c);
    }
  }

  static void Answer(int c) {
    std::string head;
    char buf[4096];
    pollfd p{c, POLLIN, 0};
    while (head.find("\r\n\r\n") == std::string::npos && ::poll(&p, 1, 5000) > 0) {
      const ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      head.append(buf, static_cast<size_t>(n));
    }
    static const std::string kAnswer =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        "Connection: close\r\n\r\n{}";
    (void)::send(c, kAnswer.data(), kAnswer.size(), MSG_NOSIGNAL);
    ::close(c);
  }

  Mode mode_;
  int fd_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int connections_ = 0;
  std::vector<int> held_;
  std::thread thread_;
};

// A port on 127.0.0.1 where nothing listens: bound (so the kernel picks a
// free one and nobody else takes it), never listened on: connections are
// refused.
class ClosedPort {
 public:
  ClosedPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~ClosedPort() { ::close(fd_); }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

}  // namespace vc::testing
