// What the verifier's services answer their HTTP adapters: a value, or an
// error for the API caller (status, stable code, message, JSON path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vc::verifier {

// An error for the API caller: HTTP status, stable code, message, and the JSON
// path at fault for 400s ("" otherwise).
struct ApiError {
  int status = 400;
  std::string code;
  std::string message;
  std::string field;
};

struct CreatedPresentation {
  std::string id;
  std::string url;     // openid-vc:// (Entra) or openid4vp:// deep link
  int64_t expiry = 0;  // unix seconds
};

template <typename T>
struct Outcome {  // exactly one of value / error
  std::optional<T> value;
  ApiError error;
  bool ok() const { return value.has_value(); }
};

}  // namespace vc::verifier
