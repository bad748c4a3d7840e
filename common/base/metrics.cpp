#include "common/base/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

namespace vc::common {
namespace {

bool ValidName(const std::string& name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

// Label values escape backslash, double quote and newline; HELP escapes backslash and
// newline (format 0.0.4).
std::string Escape(const std::string& s, bool quote) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out.push_back(c);
  }
  return out;
}

std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& extra = {}) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "{" : ",") + extra;
  if (!out.empty()) out += "}";
  return out;
}

void Header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + Escape(help, false) + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

// The label names a family keeps once `hidden` ones are left out, and the
// positions of their values: series that differ only in hidden labels are summed.
struct Projection {
  std::vector<std::string> names;
  std::vector<size_t> keep;
  std::vector<std::string> Values(const std::vector<std::string>& all) const {
    std::vector<std::string> out;
    for (size_t i : keep) out.push_back(all[i]);
    return out;
  }
};

template <typename F>
Projection Project(const F& f, const std::set<std::string>& hidden) {
  Projection p;
  for (size_t i = 0; i < f.label_names().size(); ++i) {
    if (hidden.count(f.label_names()[i])) continue;
    p.names.push_back(f.label_names()[i]);
    p.keep.push_back(i);
  }
  return p;
}

void Render(std::string& out, const CounterFamily& f, const std::set<std::string>& hidden) {
  Header(out, f.name(), f.help(), "counter");
  const Projection p = Project(f, hidden);
  std::map<std::vector<std::string>, uint64_t> series;
  f.ForEach([&](const std::vector<std::string>& labels, const Counter& c) {
    series[p.Values(labels)] += c.Value();
  });
  for (const auto& [labels, value] : series) {
    out += f.name() + Labels(p.names, labels) + " " + std::to_string(value) + "\n";
  }
}

void Render(std::string& out, const GaugeFamily& f, const std::set<std::string>& hidden) {
  Header(out, f.name(), f.help(), f.counter_type() ? "counter" : "gauge");
  const Projection p = Project(f, hidden);
  std::map<std::vector<std::string>, double> series;
  f.ForEach([&](const std::vector<std::string>& labels, const Gauge& g) {
    series[p.Values(labels)] += g.Value();
  });
  for (const auto& [labels, value] : series) {
    out += f.name() + Labels(p.names, labels) + " " + FormatDouble(value) + "\n";
  }
}

void Render(std::string& out, const HistogramFamily& f, const std::set<std::string>& hidden) {
  Header(out, f.name(), f.help(), "histogram");
  const Projection p = Project(f, hidden);
  struct Sum {
    std::vector<uint64_t> counts;
    double sum = 0;
    const std::vector<double>* bounds = nullptr;
  };
  std::map<std::vector<std::string>, Sum> series;
  f.ForEach([&](const std::vector<std::string>& labels, const Histogram& h) {
    Sum& s = series[p.Values(labels)];
    const std::vector<uint64_t> counts = h.BucketCounts();
    if (s.counts.empty()) s.counts.assign(counts.size(), 0);
    for (size_t i = 0; i < counts.size() && i < s.counts.size(); ++i) s.counts[i] += counts[i];
    s.sum += h.Sum();
    s.bounds = &h.upper_bounds();
  });
  for (const auto& [labels, s] : series) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < s.counts.size(); ++i) {
      cumulative += s.counts[i];
      const double le = i < s.bounds->size() ? (*s.bounds)[i] : INFINITY;
      out += f.name() + "_bucket" + Labels(p.names, labels, "le=\"" + FormatDouble(le) + "\"") +
             " " + std::to_string(cumulative) + "\n";
    }
    const std::string l = Labels(p.names, labels);
    out += f.name() + "_sum" + l + " " + FormatDouble(s.sum) + "\n";
    // _count equals the +Inf bucket so the two never disagree in one scrape.
    out += f.name() + "_count" + l + " " + std::to_string(cumulative) + "\n";
  }
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  const size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) -
                                       bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> DefaultDurationBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <typename M>
MetricFamily<M>::MetricFamily(std::string name, std::string help,
                              std::vector<std::string> label_names, std::vector<double> buckets,
                              bool counter_type)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)),
      counter_type_(counter_type) {}

template <typename M>
M& MetricFamily<M>::With(const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size()) {
    throw std::invalid_argument("metric " + name_ + ": wrong number of label values");
  }
  std::lock_guard lock(mu_);
  auto& slot = children_[label_values];
  if (!slot) {
    if constexpr (std::is_same_v<M, Histogram>) {
      slot = std::make_unique<Histogram>(buckets_);
    } else {
      slot = std::make_unique<M>();
    }
  }
  return *slot;
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry registry;
  return registry;
}

void MetricsRegistry::CheckNewName(const std::string& name,
                                   const std::vector<std::string>& labels) {
  if (!ValidName(name, true)) throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& l : labels) {
    if (!ValidName(l, false) || l == "le") {
      throw std::invalid_argument("invalid label name for " + name + ": " + l);
    }
  }
}

template <typename F, typename... Args>
F& MetricsRegistry::GetOrAdd(std::vector<std::unique_ptr<F>>& families, MetricType type,
                             const std::string& name, const std::string& help,
                             std::vector<std::string> label_names, Args&&... args) {
  std::lock_guard lock(mu_);
  CheckNewName(name, label_names);
  for (const auto& f : families) {
    if (f->name() == name && f->label_names() == label_names) return *f;
  }
  const auto taken = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(), [&](const auto& f) { return f->name() == name; });
  };
  if (taken(counters_) || taken(gauges_) || taken(histograms_)) {
    throw std::invalid_argument("metric " + name + " registered with another type or labels");
  }
  families.push_back(
      std::make_unique<F>(name, help, std::move(label_names), std::forward<Args>(args)...));
  order_.emplace_back(type, families.size() - 1);
  return *families.back();
}

CounterFamily& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                           std::vector<std::string> label_names) {
  return GetOrAdd(counters_, MetricType::kCounter, name, help, std::move(label_names));
}

GaugeFamily& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                       std::vector<std::string> label_names) {
  GaugeFamily& f = GetOrAdd(gauges_, MetricType::kGauge, name, help, std::move(label_names));
  if (f.counter_type()) throw std::invalid_argument("metric " + name + " is a collected counter");
  return f;
}

HistogramFamily& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                               std::vector<std::string> label_names,
                                               std::vector<double> buckets) {
  return GetOrAdd(histograms_, MetricType::kHistogram, name, help, std::move(label_names),
                  std::move(buckets));
}

GaugeFamily& MetricsRegistry::AddCollectedCounter(const std::string& name, const std::string& help,
                                                  std::vector<std::string> label_names) {
  GaugeFamily& f = GetOrAdd(gauges_, MetricType::kGauge, name, help, std::move(label_names),
                            std::vector<double>{}, true);
  if (!f.counter_type()) throw std::invalid_argument("metric " + name + " is a gauge");
  return f;
}

void MetricsRegistry::SetCollector(const std::string& key, std::function<void()> collect) {
  std::lock_guard lock(collect_mu_);
  collectors_[key] = std::move(collect);
}

void MetricsRegistry::RemoveCollector(const std::string& key) {
  std::lock_guard lock(collect_mu_);
  collectors_.erase(key);
}

std::string MetricsRegistry::RenderPrometheus(const std::set<std::string>& hidden_labels) const {
  {
    std::lock_guard collecting(collect_mu_);
    for (const auto& [key, collect] : collectors_) collect();
  }
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [type, index] : order_) {
    switch (type) {
      case MetricType::kCounter:
        Render(out, *counters_[index], hidden_labels);
        break;
      case MetricType::kGauge:
        Render(out, *gauges_[index], hidden_labels);
        break;
      case MetricType::kHistogram:
        Render(out, *histograms_[index], hidden_labels);
        break;
    }
  }
  return out;
}

}  // namespace vc::common
