#include "common/base/thread_pool.h"

#include <algorithm>
#include <exception>

#include "common/base/log.h"

namespace vc::common {

ThreadPool::ThreadPool(int threads) {
  const int n = std::max(1, threads);
  threads_.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

void ThreadPool::Post(std::function<void()> task) {
  // Notified under the lock: a Post racing the destructor (a coroutine that
  // continues on the blocking pool while the server shuts down) is then done
  // with the condition variable before the destructor can take the lock, drain
  // the task and destroy it.
  std::lock_guard lock(mu_);
  tasks_.push_back(std::move(task));
  ready_.notify_one();
}

size_t ThreadPool::backlog() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void ThreadPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to run
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      LogError("thread_pool_task_failed", {{"error", e.what()}});
    } catch (...) {
      LogError("thread_pool_task_failed", {{"error", "non-standard exception"}});
    }
  }
}

}  // namespace vc::common
