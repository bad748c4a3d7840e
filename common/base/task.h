// Coroutines for handlers that must not park a thread while storage commits
// or a slow call is in flight: a service method written as
//
//   Task<ApiResult<Page>> Load(std::string id) {
//     Status read = co_await AwaitRead(db, ...);     // on a reader thread
//     Status saved = co_await AwaitCommit(db, ...);  // resumes after the commit
//     co_return page;
//   }
//
// reads like the blocking code it replaces, while no thread waits at the
// co_awaits: the coroutine is parked, not the thread. Start() runs one from a
// handler and calls back with its result.
//
// Rules: a Task is lazy (nothing runs until it is awaited or started) and
// awaited once; parameters are taken by value (a coroutine outlives its
// caller's stack); after a co_await the coroutine may continue on another
// thread, so it must not hold a lock across one.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <utility>

namespace vc::common {

template <typename T>
class [[nodiscard]] Task {
 public:
  struct promise_type {
    std::optional<T> value;
    std::exception_ptr error;
    std::coroutine_handle<> continuation;

    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    // Hands control straight to the awaiter (symmetric transfer: no stack growth).
    auto final_suspend() noexcept {
      struct ResumeAwaiter {
        bool await_ready() noexcept { return false; }
        std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> h) noexcept {
          auto next = h.promise().continuation;
          return next ? next : std::noop_coroutine();
        }
        void await_resume() noexcept {}
      };
      return ResumeAwaiter{};
    }
    template <typename U>
    void return_value(U&& v) {
      value.emplace(std::forward<U>(v));
    }
    void unhandled_exception() { error = std::current_exception(); }
  };

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  // co_await task: runs it; the awaiter resumes when it has finished, on the
  // thread it finished on. An exception it threw is rethrown here.
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
    handle_.promise().continuation = awaiter;
    return handle_;
  }
  T await_resume() {
    auto& p = handle_.promise();
    if (p.error) std::rethrow_exception(p.error);
    return std::move(*p.value);
  }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

// A coroutine that owns itself: it frees its frame when it finishes.
struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() noexcept { std::terminate(); }  // Run() catches everything
  };
};

template <typename T>
Detached Run(Task<T> task, std::function<void(T)> done,
             std::function<void(std::exception_ptr)> failed) {
  std::optional<T> result;
  try {
    result.emplace(co_await std::move(task));
  } catch (...) {
    failed(std::current_exception());
    co_return;
  }
  done(std::move(*result));
}

}  // namespace detail

// Runs `task` on this thread until its first suspension and returns; `done`
// gets its result, or `failed` the exception it threw, on whichever thread it
// finishes. Neither may throw.
template <typename T>
void Start(Task<T> task, std::function<void(T)> done,
           std::function<void(std::exception_ptr)> failed) {
  detail::Run(std::move(task), std::move(done), std::move(failed));
}

// Runs `task` and blocks until it finishes: its result, or what it threw. For
// callers that may block (tests, the CLI, handlers on the blocking pool).
template <typename T>
T Wait(Task<T> task) {
  std::promise<T> result;
  Start<T>(
      std::move(task), [&result](T value) { result.set_value(std::move(value)); },
      [&result](std::exception_ptr e) { result.set_exception(e); });
  return result.get_future().get();
}

// An awaitable for any call that reports once through a callback:
//   co_await Callback<Status>([&](auto resume) { db.Submit(work, resume); })
// `start` gets a function to call once, from another thread, with the result;
// the coroutine resumes on that thread. It must not be called before `start`
// has returned (every queue-based API here reports later, never inline).
template <typename T, typename Starter>
auto Callback(Starter start) {
  struct Awaiter {
    Starter start;
    std::optional<T> result;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      // Out of the frame first: the frame may be gone once the callback ran.
      Starter s = std::move(start);
      s([this, h](T value) {
        result.emplace(std::move(value));
        h.resume();
      });
    }
    T await_resume() { return std::move(*result); }
  };
  return Awaiter{std::move(start), std::nullopt};
}

// Where a coroutine continues: anything that runs a task later on its own
// threads (ThreadPool::Post, HttpServer::RunBlocking).
using Executor = std::function<void(std::function<void()>)>;

// co_await ResumeOn(executor): continues on the executor's thread. For work
// that should not run on the thread that resumed the coroutine (a storage
// completion thread, say).
inline auto ResumeOn(Executor executor) {
  struct Awaiter {
    Executor executor;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      Executor e = std::move(executor);
      e([h] { h.resume(); });
    }
    void await_resume() const noexcept {}
  };
  return Awaiter{std::move(executor)};
}

// co_await RunOn<R>(executor, f): f() on the executor (for a call that
// blocks), and the coroutine continues there with its result, or rethrows
// what f threw (the coroutine is resumed either way, never left parked).
template <typename R, typename F>
auto RunOn(Executor executor, F f) {
  struct Awaiter {
    Executor executor;
    F f;
    std::optional<R> result;
    std::exception_ptr error;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      // Out of the frame first: the frame may be gone once the task ran.
      Executor e = std::move(executor);
      e([this, h] {
        try {
          result.emplace(f());
        } catch (...) {
          error = std::current_exception();
        }
        h.resume();
      });
    }
    R await_resume() {
      if (error) std::rethrow_exception(error);
      return std::move(*result);
    }
  };
  return Awaiter{std::move(executor), std::move(f), std::nullopt, nullptr};
}

}  // namespace vc::common
