// Internal to the HTTP server: one background thread that finishes the writes a
// socket did not take at once (it waits for EPOLLOUT on its own epoll set, so no
// event loop and no responding thread waits for a slow reader), and that checks
// every open connection's timeouts a few times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace vc::common::internal {

class HttpConnection;

class WritePump {
 public:
  // `sweep` is how often every connection's timeouts are checked.
  explicit WritePump(std::chrono::milliseconds sweep);
  ~WritePump();  // Stop()
  WritePump(const WritePump&) = delete;
  WritePump& operator=(const WritePump&) = delete;

  void Start();
  // Joins the thread; connections are left as they are.
  void Stop();

  // Every open connection, for the timeout checks and Shutdown's final close.
  void Add(const std::shared_ptr<HttpConnection>& connection);
  void Remove(uint64_t id);
  // After Stop(): every connection still open, forgotten by the pump. A
  // connection holds its pump, so what the pump still holds would never be freed.
  std::vector<std::shared_ptr<HttpConnection>> TakeAll();
  size_t size() const;

  // Calls connection->ContinueWrite() whenever its socket is writable, until
  // Unwatch. Called with the connection's lock held, so it takes only its own.
  void Watch(const std::shared_ptr<HttpConnection>& connection);
  void Unwatch(uint64_t id, int fd);

 private:
  void Run();

  const std::chrono::milliseconds sweep_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<HttpConnection>> open_;
  std::unordered_map<uint64_t, std::shared_ptr<HttpConnection>> watched_;
};

}  // namespace vc::common::internal
