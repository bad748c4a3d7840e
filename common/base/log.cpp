#include "common/base/log.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <mutex>

#include "common/base/json.h"

namespace vc::common {
namespace {

std::mutex& SinkMutex() {
  static std::mutex m;
  return m;
}

std::string Timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

}  // namespace

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool ParseLevel(std::string_view name, LogLevel* out) {
  for (auto l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (LevelName(l) == name) {
      *out = l;
      return true;
    }
  }
  return false;
}

Logger& Logger::Global() {
  static Logger logger;
  return logger;
}

void Logger::SetSink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(SinkMutex());
  sink_ = std::move(sink);
}

void Logger::Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  if (!Enabled(level)) return;
  JsonWriter w;
  w->StartObject();
  w.Member("ts", Timestamp());
  w->Key("level");
  const auto lvl = LevelName(level);
  w.String(lvl);
  w.Member("event", event);
  for (const auto& f : fields) {
    w->Key(f.key.data(), static_cast<rapidjson::SizeType>(f.key.size()));
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            w.String(v);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            w->Int64(v);
          } else if constexpr (std::is_same_v<T, bool>) {
            w->Bool(v);
          } else {
            w->Double(v);
          }
        },
        f.value);
  }
  w->EndObject();
  std::string line = w.str();
  line += '\n';
  std::lock_guard lock(SinkMutex());
  if (sink_) {
    sink_(line);
  } else {
    // One write per line so concurrent processes' lines do not interleave.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
  }
}

std::string MaskTail(std::string_view value, size_t keep) {
  if (value.size() <= keep * 2) return std::string(value.size(), '*');
  return std::string(value.size() - keep, '*') + std::string(value.substr(value.size() - keep));
}

}  // namespace vc::common
