// Time as a seam: services read the time through a Clock so tests can set it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace vc::common {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch (UTC).
  virtual int64_t NowSeconds() const = 0;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to; thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_seconds = 1'700'000'000) : millis_(now_seconds * 1000) {}
  int64_t NowSeconds() const override { return millis_.load() / 1000; }
  int64_t NowMillis() const override { return millis_.load(); }
  void Set(int64_t now_seconds) { millis_ = now_seconds * 1000; }
  void Advance(int64_t seconds) { millis_ += seconds * 1000; }

 private:
  std::atomic<int64_t> millis_;
};

}  // namespace vc::common
