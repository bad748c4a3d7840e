// Prometheus metrics: counters, gauges and histograms in a registry rendered in the
// text exposition format 0.0.4. Updating a metric is a few relaxed atomic operations;
// look a labelled child up once (With()) and keep the reference on the hot path.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace vc::common {

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Cumulative buckets by upper bound (seconds for durations); +Inf is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Per-bucket (not cumulative) counts; the last entry is the +Inf bucket.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Default buckets for request durations in seconds: 1 ms .. 10 s.
std::vector<double> DefaultDurationBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// A metric name with fixed label names and one child per distinct label-value tuple.
template <typename M>
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names,
               std::vector<double> buckets = {}, bool counter_type = false);

  // The child for these label values (as many as label names), created on first use.
  // Takes a lock: call it at setup time and keep the reference. Throws
  // std::invalid_argument when the number of values is wrong.
  M& With(const std::vector<std::string>& label_values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // A gauge family exposed as "# TYPE … counter": a cumulative value that is not
  // a whole number (process_cpu_seconds_total), set from a collector.
  bool counter_type() const { return counter_type_; }
  // Calls f(label_values, child) for every child, in label order.
  template <typename F>
  void ForEach(F&& f) const {
    std::lock_guard lock(mu_);
    for (const auto& [labels, child] : children_) f(labels, *child);
  }

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> buckets_;
  bool counter_type_ = false;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>> children_;
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

// Owns metric families; thread-safe. Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and
// label names [a-zA-Z_][a-zA-Z0-9_]*. Add*() is get-or-create: adding a name again
// with the same type and label names returns the existing family (so two servers can
// share a registry); an invalid name, or a name reused with another type or labels,
// throws std::invalid_argument (a programming error found at startup).
class MetricsRegistry {
 public:
  // The process-wide registry that /metrics renders by default.
  static MetricsRegistry& Global();

  CounterFamily& AddCounter(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names = {},
                                std::vector<double> buckets = DefaultDurationBuckets());
  // A counter whose value is read from elsewhere (a collector sets it): rendered
  // with TYPE counter, holding a double.
  GaugeFamily& AddCollectedCounter(const std::string& name, const std::string& help,
                                   std::vector<std::string> label_names = {});

  // Runs `collect` at the start of every RenderPrometheus(), to refresh values
  // that are read rather than counted (process CPU and memory, queue depths).
  // One collector per `key`: setting a key again replaces it. A collector must
  // not call RenderPrometheus; it may run on any thread that renders.
  void SetCollector(const std::string& key, std::function<void()> collect);
  // Removes the collector of `key` (for objects that go away before the registry).
  void RemoveCollector(const std::string& key);

  // Text format 0.0.4: "# HELP", "# TYPE" and one line per sample, families in
  // registration order. Labels named in `hidden_labels` (e.g. "org") are left
  // out, and the series that differed only in them summed: counters and
  // histograms add up, gauges too (a 0/1 health gauge becomes a count).
  std::string RenderPrometheus(const std::set<std::string>& hidden_labels = {}) const;

 private:
  void CheckNewName(const std::string& name, const std::vector<std::string>& labels);
  template <typename F, typename... Args>
  F& GetOrAdd(std::vector<std::unique_ptr<F>>& families, MetricType type, const std::string& name,
              const std::string& help, std::vector<std::string> label_names, Args&&... args);

  mutable std::mutex mu_;
  mutable std::mutex collect_mu_;  // held while collectors run; never with mu_ first
  std::map<std::string, std::function<void()>> collectors_;
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<GaugeFamily>> gauges_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
  std::vector<std::pair<MetricType, size_t>> order_;  // (kind, index in its vector)
};

}  // namespace vc::common
