// Waiting for an asynchronous call that reports through a callback, for
// callers that may block (tests, startup, blocking handlers): never from an
// event loop or a storage completion, which the answer may be waiting for.
#pragma once

#include <future>
#include <memory>
#include <utility>

namespace vc::common {

// Calls start(report) and returns the value passed to report, once it is. The
// promise is shared with `report`, which may still be returning on another
// thread when this one wakes up.
template <typename T, typename Start>
T Await(Start&& start) {
  auto result = std::make_shared<std::promise<T>>();
  std::future<T> future = result->get_future();
  std::forward<Start>(start)([result](T value) { result->set_value(std::move(value)); });
  return future.get();
}

}  // namespace vc::common
