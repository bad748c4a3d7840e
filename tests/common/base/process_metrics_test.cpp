// process_* metrics from /proc/self, and the registry's collectors.
#include "common/base/process_metrics.h"

#include <gtest/gtest.h>

namespace vc::common {
namespace {

double Sample(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

TEST(ProcessMetrics, ParsesProcStatWhateverTheCommandName) {
  // proc(5): pid (comm) state ppid … utime(14) stime(15) … num_threads(20)
  // itrealvalue(21) starttime(22) vsize(23) rss(24) …
  const std::string stat =
      "4242 (a) b) (c) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0 20 0 7 0 5000 104857600 2560 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
  auto s = ParseProcStat(stat, 1'700'000'000, 100, 4096);
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(s->threads, 7);
  EXPECT_DOUBLE_EQ(s->start_time_seconds, 1'700'000'050.0);
  EXPECT_DOUBLE_EQ(s->virtual_bytes, 104857600);
  EXPECT_DOUBLE_EQ(s->resident_bytes, 2560.0 * 4096);
  EXPECT_FALSE(ParseProcStat("4242 (no closing paren S 1 2", 0, 100, 4096));
  EXPECT_FALSE(ParseProcStat("4242 (x) S 1 2 3", 0, 100, 4096));
  EXPECT_FALSE(
      ParseProcStat("4242 (x) S 1 2 3 4 5 6 7 8 9 10 x 150 0 0 20 0 7 0 5000 1 2", 0, 100, 4096));
}

TEST(ProcessMetrics, RenderedFromThisProcess) {
  MetricsRegistry registry;
  RegisterProcessMetrics(registry);
  RegisterProcessMetrics(registry);  // idempotent
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos);
  EXPECT_GT(Sample(text, "process_resident_memory_bytes"), 1e6);
  EXPECT_GE(Sample(text, "process_open_fds"), 3);  // at least stdin, stdout, stderr
  EXPECT_GT(Sample(text, "process_max_fds"), Sample(text, "process_open_fds"));
  EXPECT_GE(Sample(text, "process_threads"), 1);
  const double started = Sample(text, "process_start_time_seconds");
  EXPECT_NEAR(started, static_cast<double>(std::time(nullptr)), 3600.0);
}

TEST(MetricsCollectors, RunOnEveryRenderUntilRemoved) {
  MetricsRegistry registry;
  Gauge& depth = registry.AddGauge("queue_depth", "Queue depth").With({});
  int runs = 0;
  registry.SetCollector("queue", [&] { depth.Set(++runs * 10); });
  EXPECT_NE(registry.RenderPrometheus().find("queue_depth 10\n"), std::string::npos);
  EXPECT_NE(registry.RenderPrometheus().find("queue_depth 20\n"), std::string::npos);
  registry.SetCollector("queue", [&] { depth.Set(-1); });  // replaces
  EXPECT_NE(registry.RenderPrometheus().find("queue_depth -1\n"), std::string::npos);
  registry.RemoveCollector("queue");
  depth.Set(5);
  EXPECT_NE(registry.RenderPrometheus().find("queue_depth 5\n"), std::string::npos);
  EXPECT_EQ(runs, 2);
}

TEST(MetricsCollectors, ACollectedCounterIsTypedCounterAndNotAGauge) {
  MetricsRegistry registry;
  registry.AddCollectedCounter("work_seconds_total", "Work").With({}).Set(1.5);
  EXPECT_NE(registry.RenderPrometheus().find(
                "# TYPE work_seconds_total counter\nwork_seconds_total 1.5\n"),
            std::string::npos);
  EXPECT_THROW(registry.AddGauge("work_seconds_total", "Work"), std::invalid_argument);
  registry.AddGauge("plain", "Plain");
  EXPECT_THROW(registry.AddCollectedCounter("plain", "Plain"), std::invalid_argument);
}

}  // namespace
}  // namespace vc::common
