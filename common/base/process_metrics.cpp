#include "common/base/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vc::common {
namespace {

std::string ReadProcFile(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// /proc/stat's "btime <seconds>" line: when the machine booted.
int64_t BootTime() {
  std::istringstream in(ReadProcFile("/proc/stat"));
  std::string key;
  int64_t value = 0;
  while (in >> key) {
    if (key == "btime" && (in >> value)) return value;
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // the directory iterator's own descriptor
}

double MaxFds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

std::optional<ProcessStats> ParseProcStat(std::string_view stat, int64_t boot_time, long ticks,
                                          long page) {
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks <= 0) return std::nullopt;
  // Fields from 3 (state) on, so field N of proc(5) is fields[N - 3].
  std::vector<std::string_view> fields;
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  if (fields.size() < 22) return std::nullopt;
  const auto number = [&fields](int field, double* out) {
    uint64_t v = 0;
    const std::string_view s = fields[static_cast<size_t>(field - 3)];
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    *out = static_cast<double>(v);
    return ec == std::errc() && end == s.data() + s.size();
  };
  double utime, stime, threads, start, vsize, rss;
  if (!number(14, &utime) || !number(15, &stime) || !number(20, &threads) || !number(22, &start) ||
      !number(23, &vsize) || !number(24, &rss)) {
    return std::nullopt;
  }
  ProcessStats s;
  s.cpu_seconds = (utime + stime) / static_cast<double>(ticks);
  s.threads = threads;
  s.start_time_seconds = static_cast<double>(boot_time) + start / static_cast<double>(ticks);
  s.virtual_bytes = vsize;
  s.resident_bytes = rss * static_cast<double>(page);
  return s;
}

void RegisterProcessMetrics(MetricsRegistry& r) {
  struct Gauges {
    Gauge *cpu, *rss, *vsize, *fds, *max_fds, *start, *threads;
  };
  const auto gauge = [&r](const char* name, const char* help) {
    return &r.AddGauge(name, help).With({});
  };
  Gauges g{
      &r.AddCollectedCounter("process_cpu_seconds_total",
                             "User and system CPU time spent in seconds")
           .With({}),
      gauge("process_resident_memory_bytes", "Resident memory size in bytes"),
      gauge("process_virtual_memory_bytes", "Virtual memory size in bytes"),
      gauge("process_open_fds", "Number of open file descriptors"),
      gauge("process_max_fds", "Maximum number of open file descriptors"),
      gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds"),
      gauge("process_threads", "Number of OS threads in the process")};
  const int64_t boot = BootTime();
  const long ticks = sysconf(_SC_CLK_TCK);
  const long page = sysconf(_SC_PAGESIZE);
  r.SetCollector("process", [g, boot, ticks, page] {
    if (auto s = ParseProcStat(ReadProcFile("/proc/self/stat"), boot, ticks, page)) {
      g.cpu->Set(s->cpu_seconds);
      g.rss->Set(s->resident_bytes);
      g.vsize->Set(s->virtual_bytes);
      g.start->Set(s->start_time_seconds);
      g.threads->Set(s->threads);
    }
    g.fds->Set(OpenFds());
    g.max_fds->Set(MaxFds());
  });
}

}  // namespace vc::common
