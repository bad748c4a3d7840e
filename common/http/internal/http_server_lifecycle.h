// Internal to http_server.cpp: what a graceful Shutdown() needs to know about
// the requests still being answered.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace vc::common::internal {

// Requests received whose response is not yet on the wire. Shutdown() waits for
// zero, so that answers still being produced reach their clients.
class InFlight {
 public:
  // False once draining: the caller should then close the connection after replying.
  bool Begin() {
    std::lock_guard lock(mu_);
    ++count_;
    return !draining_;
  }
  void End() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) cv_.notify_all();
  }
  // Returns false when requests were still running at the deadline.
  bool Drain(std::chrono::milliseconds grace) {
    std::unique_lock lock(mu_);
    draining_ = true;
    return cv_.wait_for(lock, grace, [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int count_ = 0;
  bool draining_ = false;
};

}  // namespace vc::common::internal
