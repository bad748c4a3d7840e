// Structured logging: one JSON object per line on stderr (or a test sink), with
// a timestamp, level, event name and typed fields. Never log secrets or ID
// numbers; pass them through MaskTail() if a hint is needed.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace vc::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::string_view LevelName(LogLevel level);
// "debug", "info", "warn", "error"; nullopt-like: returns false on anything else.
bool ParseLevel(std::string_view name, LogLevel* out);

struct LogField {
  std::string_view key;
  std::variant<std::string_view, int64_t, bool, double> value;
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(int64_t{v}) {}
  LogField(std::string_view k, unsigned v) : key(k), value(int64_t{v}) {}
  LogField(std::string_view k, uint64_t v) : key(k), value(static_cast<int64_t>(v)) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
};

// Process-wide logger; thread-safe. Lines are written whole (one write per line).
class Logger {
 public:
  static Logger& Global();

  void SetLevel(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  bool Enabled(LogLevel level) const { return level >= level_; }
  // Replaces the output (default: stderr). For tests.
  void SetSink(std::function<void(std::string_view line)> sink);

  void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields);

 private:
  LogLevel level_ = LogLevel::kInfo;
  std::function<void(std::string_view)> sink_;
};

inline void LogDebug(std::string_view event, std::initializer_list<LogField> f = {}) {
  if (Logger::Global().Enabled(LogLevel::kDebug)) Logger::Global().Log(LogLevel::kDebug, event, f);
}
inline void LogInfo(std::string_view event, std::initializer_list<LogField> f = {}) {
  Logger::Global().Log(LogLevel::kInfo, event, f);
}
inline void LogWarn(std::string_view event, std::initializer_list<LogField> f = {}) {
  Logger::Global().Log(LogLevel::kWarn, event, f);
}
inline void LogError(std::string_view event, std::initializer_list<LogField> f = {}) {
  Logger::Global().Log(LogLevel::kError, event, f);
}

// "****1234": keeps the last `keep` characters (none when the value is short).
std::string MaskTail(std::string_view value, size_t keep = 4);

}  // namespace vc::common
