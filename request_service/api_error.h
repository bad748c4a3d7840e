// The Entra error envelope (spec §4) and ApiResult, the result type of every
// Request Service operation: a value, or an ApiFailure that the HTTP adapter
// writes as {requestId, date, mscv, error{code, message, innererror{code,
// message, target}}} with error.code/message fixed by the HTTP status.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/http/http_message.h"

namespace vc::request_service {

struct ApiFailure {
  int status = 400;
  std::string code = "badOrMissingField";  // innererror.code
  std::string message;                     // innererror.message
  std::string target;                      // innererror.target; omitted when empty
};

// 400 badOrMissingField for `target`.
ApiFailure BadField(std::string target, std::string message);

template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
  ApiResult(ApiFailure failure) : v_(std::move(failure)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  T& value() {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const {
    assert(ok());
    return std::get<0>(v_);
  }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const ApiFailure& failure() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, ApiFailure> v_;
};

struct Done {};  // ApiResult<Done>: success without a value

// error.code and error.message for an HTTP status (the table of spec §4).
std::string_view OuterCode(int status);
std::string_view OuterMessage(int status);

// The envelope as a response; `request_id` is a fresh 32-hex id, `now` unix seconds.
common::HttpServerResponse EnvelopeResponse(const ApiFailure& failure, const std::string& mscv,
                                            int64_t now);

// A random (version 4) UUID, lower-case: trace ids.
std::string NewUuid();

// A time-ordered (version 7, RFC 9562 §5.7) UUID, lower-case: `millis` in its
// first 48 bits, then 74 bits of `random` (10 bytes). Request ids: an index on
// them grows at its right edge, so a group commit dirties one leaf page.
std::string NewUuidV7(int64_t millis, std::string_view random);

// RFC 1123 date ("Fri, 29 Apr 2022 11:20:19 GMT").
std::string HttpDate(int64_t now);

}  // namespace vc::request_service
