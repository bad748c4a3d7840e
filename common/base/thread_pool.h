// A fixed set of threads that run posted tasks in order of arrival. The HTTP
// server runs blocking handlers on one, so that its event loops never wait.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vc::common {

class ThreadPool {
 public:
  // Starts `threads` threads (at least one).
  explicit ThreadPool(int threads);
  // Runs every task already posted, then joins the threads.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`; an exception escaping it is logged and dropped.
  void Post(std::function<void()> task);
  // Tasks queued and not yet started (for metrics and tests).
  size_t backlog() const;
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vc::common
