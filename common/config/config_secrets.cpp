#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/config/internal/config_internal.h"

namespace vc::common::config_internal {

std::optional<std::string> ReadFileText(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace vc::common::config_internal

namespace vc::common {

std::string ResolvePath(const std::string& path, const ConfigContext& ctx) {
  std::filesystem::path p(path);
  if (p.is_absolute() || ctx.base_dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(ctx.base_dir) / p).lexically_normal().string();
}

std::string ResolveSecret(const std::string& value, const ConfigContext& ctx,
                          const std::string& path) {
  if (value.rfind("env:", 0) == 0) {
    const std::string name = value.substr(4);
    if (name.empty()) throw ConfigError(path, "\"env:\" needs a variable name");
    const char* env = std::getenv(name.c_str());
    if (env == nullptr) throw ConfigError(path, "environment variable " + name + " is not set");
    if (*env == '\0') throw ConfigError(path, "environment variable " + name + " is empty");
    return env;
  }
  if (value.rfind("file:", 0) == 0) {
    if (value.size() == 5) throw ConfigError(path, "\"file:\" needs a path");
    const std::string file = ResolvePath(value.substr(5), ctx);
    std::optional<std::string> text = config_internal::ReadFileText(file);
    if (!text) throw ConfigError(path, "cannot read secret file " + file);
    // Editors and `echo` add a final newline that is not part of the secret.
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
    if (text->empty()) throw ConfigError(path, "secret file " + file + " is empty");
    return *text;
  }
  return value;
}

}  // namespace vc::common
