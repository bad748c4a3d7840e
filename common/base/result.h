// Result<T>: the return type for anything that handles untrusted input or talks
// to the network. A value, or an error: by default an Error with a stable
// machine code and a human message; a component with its own failure enum
// returns Result<T, Failure<ItsEnum>> so the reason travels typed up to the one
// place that maps it to HTTP. Startup and configuration failures throw instead
// (see config.h).
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace vc::common {

struct Error {
  std::string code;     // stable, machine-readable, snake_case (e.g. "invalid_signature")
  std::string message;  // for a human; never contains secrets
};

inline Error MakeError(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

// A typed failure: one value of a component's reason enum (which has its own
// Code()/HttpStatus() table beside it) and a message for a human.
template <typename Reason>
struct Failure {
  static_assert(std::is_enum_v<Reason>, "a Failure's reason is an enum");
  Reason reason;
  std::string message;  // for a human; never contains secrets
};
template <typename Reason>
Failure(Reason, std::string) -> Failure<Reason>;

// A value of T, or an error of E. T and E must differ.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, E>, "Result<E, E> is ambiguous");

 public:
  using error_type = E;

  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

// Result<void>: success or an error of E.
template <typename E = Error>
class [[nodiscard]] BasicStatus {
 public:
  using error_type = E;

  BasicStatus() = default;
  BasicStatus(E error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static BasicStatus Ok() { return BasicStatus(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  E error_{};
  bool ok_ = true;
};

using Status = BasicStatus<>;

}  // namespace vc::common
