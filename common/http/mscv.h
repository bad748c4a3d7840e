// Microsoft Correlation Vector (MS-CV), as carried in the `ms-cv` HTTP header and
// in the Entra error envelope's "mscv" field: "<base>.<e1>.<e2>...".
//
// Supported versions (by base length):
//   v1: 16 base64 characters, whole vector at most 63 characters
//       (Entra's own examples, e.g. "QbBLwF7XAp0dt4Lw.1");
//   v2: 22 base64 characters, whole vector at most 127 characters (what we create).
// Elements are unsigned 32-bit decimal numbers. The v2/v3 "!" terminator and the v3
// reset syntax are not accepted; a caller that gets such a header starts a new vector.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace vc::common {

class CorrelationVector {
 public:
  static constexpr size_t kV1BaseLength = 16;
  static constexpr size_t kV2BaseLength = 22;
  static constexpr size_t kV1MaxLength = 63;
  static constexpr size_t kV2MaxLength = 127;

  // Validates the base (base64 alphabet A-Z a-z 0-9 + /, 16 or 22 characters; for v2
  // the last character carries only 2 bits so it must be one of A Q g w), at least one
  // element, each element a decimal uint32 without leading zeros, and the total length.
  // Error code "invalid_mscv".
  static Result<CorrelationVector> Parse(std::string_view text);

  // A fresh v2 vector with a random base and one element: "<base>.0".
  static CorrelationVector NewRandom();

  // Appends a new element ".0" (a child operation). Error "mscv_overflow" when the
  // result would exceed the length limit of the version; *this is unchanged then.
  Status Extend();

  // Adds one to the last element (the next sibling operation). Error "mscv_overflow"
  // when the result would exceed the length limit or the element would pass 2^32-1.
  Status Increment();

  std::string ToString() const;
  const std::string& base() const { return base_; }
  const std::vector<uint32_t>& elements() const { return elements_; }
  size_t max_length() const;

 private:
  CorrelationVector(std::string base, std::vector<uint32_t> elements)
      : base_(std::move(base)), elements_(std::move(elements)) {}
  size_t Length() const;

  std::string base_;
  std::vector<uint32_t> elements_;
};

}  // namespace vc::common
