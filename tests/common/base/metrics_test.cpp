#include "common/base/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace vc::common {
namespace {

TEST(MetricsTest, RendersCounterWithHelpAndType) {
  MetricsRegistry registry;
  auto& requests = registry.AddCounter("app_requests_total", "Requests served", {"route", "class"});
  requests.With({"/a", "2xx"}).Inc();
  requests.With({"/a", "2xx"}).Inc(2);
  requests.With({"/b\"x", "5xx"}).Inc();
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# HELP app_requests_total Requests served\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE app_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("app_requests_total{route=\"/a\",class=\"2xx\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("app_requests_total{route=\"/b\\\"x\",class=\"5xx\"} 1\n"), std::string::npos)
      << text;
}

TEST(MetricsTest, RendersGaugeWithoutLabels) {
  MetricsRegistry registry;
  auto& g = registry.AddGauge("app_queue_depth", "Items waiting").With({});
  g.Set(5);
  g.Add(-1.5);
  EXPECT_NE(registry.RenderPrometheus().find("app_queue_depth 3.5\n"), std::string::npos);
}

TEST(MetricsTest, RendersCumulativeHistogram) {
  MetricsRegistry registry;
  auto& h = registry.AddHistogram("app_seconds", "Durations", {}, {0.1, 1}).With({});
  h.Observe(0.05);
  h.Observe(0.1);  // upper bounds are inclusive
  h.Observe(0.5);
  h.Observe(3);
  const std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE app_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("app_seconds_bucket{le=\"0.1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_seconds_bucket{le=\"1\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_seconds_sum 3.65\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_seconds_count 4\n"), std::string::npos) << text;
}

TEST(MetricsTest, ReRegisteringTheSameFamilyReturnsIt) {
  MetricsRegistry registry;
  auto& a = registry.AddCounter("x_total", "X", {"l"});
  auto& b = registry.AddCounter("x_total", "X", {"l"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(registry.AddCounter("x_total", "X", {"other"}), std::invalid_argument);
  EXPECT_THROW(registry.AddGauge("x_total", "X", {"l"}), std::invalid_argument);
}

TEST(MetricsTest, RefusesInvalidNamesAndLabelCounts) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.AddCounter("1bad", "x"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(registry.AddCounter("ok", "x", {"bad:label"}), std::invalid_argument);
  EXPECT_THROW(registry.AddHistogram("h", "x", {"le"}), std::invalid_argument);
  auto& c = registry.AddCounter("ok_total", "x", {"a"});
  EXPECT_THROW(c.With({}), std::invalid_argument);
  EXPECT_THROW(c.With({"1", "2"}), std::invalid_argument);
}

TEST(MetricsTest, CountsConcurrentIncrements) {
  MetricsRegistry registry;
  auto& c = registry.AddCounter("c_total", "x").With({});
  auto& h = registry.AddHistogram("h_seconds", "x").With({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000u);
  EXPECT_EQ(h.Count(), 40000u);
}

}  // namespace
}  // namespace vc::common
