// Base64url (RFC 4648 §5) without padding, as JOSE uses it (RFC 7515 §2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::common {

std::string Base64UrlEncode(std::string_view bytes);

// Strict decoding: rejects padding, characters outside the URL-safe alphabet,
// a length of 1 mod 4, and non-zero trailing bits (so every input has exactly
// one decoding). Error code "bad_base64url".
Result<std::string> Base64UrlDecode(std::string_view text);

// Eight characters of the base64url alphabet taken in ASCII order
// ("-0-9A-Z_a-z") that encode `millis` (since the epoch, 48 bits). An id that
// starts with them sorts by creation time, so a B-tree index on it grows at
// its right edge: a group commit of many new ids dirties one leaf page, where
// random ids dirty one page each (and write it twice: log and checkpoint).
std::string SortableTimePrefix(int64_t millis);

// Standard base64 (RFC 4648 §4) with padding, for PEM-free uses such as data: URIs.
std::string Base64Encode(std::string_view bytes);
Result<std::string> Base64Decode(std::string_view text);

}  // namespace vc::common
