// Internal to http_server.cpp: what a graceful Shutdown() needs to know about
// the requests still being answered, and how many connections are admitted.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>

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

// Open connections, in all and per remote address, against their limits
// (0 = none). Thread-safe: connections arrive on every event loop.
class ConnectionAdmission {
 public:
  enum class Verdict { kAdmitted, kTooManyInAll, kTooManyFromAddress };
  ConnectionAdmission(size_t max_total, size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  Verdict Admit(const std::string& address) {
    std::lock_guard lock(mu_);
    if (max_total_ != 0 && total_ >= max_total_) return Verdict::kTooManyInAll;
    size_t& mine = per_address_[address];
    if (max_per_address_ != 0 && mine >= max_per_address_) {
      if (mine == 0) per_address_.erase(address);
      return Verdict::kTooManyFromAddress;
    }
    ++mine;
    ++total_;
    return Verdict::kAdmitted;
  }
  // For a connection that Admit() let in, when it closes.
  void Release(const std::string& address) {
    std::lock_guard lock(mu_);
    auto it = per_address_.find(address);
    if (it == per_address_.end()) return;
    if (--it->second == 0) per_address_.erase(it);
    --total_;
  }

 private:
  const size_t max_total_, max_per_address_;
  std::mutex mu_;
  size_t total_ = 0;
  std::unordered_map<std::string, size_t> per_address_;
};

}  // namespace vc::common::internal
