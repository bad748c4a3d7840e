// Config loading: any text either parses or throws ConfigError (a path and a
// reason); any other exception or crash is a bug. Relative "file:" secrets
// resolve against an empty directory, so nothing outside it is read except
// what an absolute path names.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Reading devices or huge files is an operator's choice, not a parser bug.
  if (text.find("file:/") != std::string_view::npos) return 0;
  try {
    (void)vc::common::ParseConfig(text, "/nonexistent-fuzz-dir");
  } catch (const vc::common::ConfigError& e) {
    if (e.path().empty()) __builtin_trap();
  }
  return 0;
}
