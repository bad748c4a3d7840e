// Small text helpers shared across components: ASCII case folding (HTTP header
// names, URL schemes and hosts, vendor field names) and reading a whole file.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"

namespace vc::common {

inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF),
// nothing above U+10FFFF, no truncated sequences.
bool IsValidUtf8(std::string_view bytes);

// The whole file as bytes. Error "io_error" naming the path.
Result<std::string> ReadFile(const std::string& path);

}  // namespace vc::common
