// The process_* metrics every Prometheus client exports (CPU, memory, file
// descriptors, start time), read from /proc/self at scrape time, so an
// operator can alert on a leak or a CPU spin without a node exporter.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/base/metrics.h"

namespace vc::common {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  double resident_bytes = 0;      // RSS
  double virtual_bytes = 0;       // VmSize
  double start_time_seconds = 0;  // unix time the process started
  double threads = 0;
};

// Parses the text of /proc/<pid>/stat (proc(5)): fields after the command name,
// which is in parentheses and may itself hold spaces or parentheses. `boot_time`
// is /proc/stat's btime, `ticks` sysconf(_SC_CLK_TCK), `page` the page size.
// nullopt when the text is not in that format.
std::optional<ProcessStats> ParseProcStat(std::string_view stat, int64_t boot_time, long ticks,
                                          long page);

// Registers process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds and process_threads in `registry`, refreshed by a
// collector on every render. Idempotent.
void RegisterProcessMetrics(MetricsRegistry& registry);

}  // namespace vc::common
