// Waiting for a task that hands its blocking calls to an Executor (task.h),
// from a caller that may block: the service method written once as a
// coroutine serves both the asynchronous routes and the blocking callers
// (tests, the CLI, background jobs).
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

#include "common/base/task.h"

namespace vc::common {

// Builds the task with `make(here)` and blocks until it finishes: its result,
// or what it threw. `here` runs what the task posts on the calling thread
// meanwhile, so its blocking calls never run on a storage thread (where a
// second database call would be refused) and no other pool is needed.
template <typename T, typename Make>
T WaitServing(Make make) {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> posted;
  std::optional<T> value;
  std::exception_ptr error;
  bool finished = false;
  Executor here = [&](std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mutex);
    posted.push_back(std::move(f));
    wake.notify_one();
  };
  Start<T>(
      make(here),
      [&](T v) {
        std::lock_guard<std::mutex> lock(mutex);
        value.emplace(std::move(v));
        finished = true;
        wake.notify_one();
      },
      [&](std::exception_ptr e) {
        std::lock_guard<std::mutex> lock(mutex);
        error = e;
        finished = true;
        wake.notify_one();
      });
  std::unique_lock<std::mutex> lock(mutex);
  for (;;) {
    wake.wait(lock, [&] { return finished || !posted.empty(); });
    if (posted.empty()) break;
    std::function<void()> next = std::move(posted.front());
    posted.pop_front();
    lock.unlock();
    next();
    lock.lock();
  }
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

}  // namespace vc::common
