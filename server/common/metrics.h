// Metrics in the Prometheus text exposition format (version 0.0.4): a
// Registry of families (counter, gauge, histogram), each with label names;
// a family hands out one cell per label-value combination, and
// Registry::Render writes them all with their HELP and TYPE lines, label
// values escaped. Figures that are read rather than counted (memory, disk)
// come from collectors that run at Render time.
//
// Hot path: Counter::Add, Gauge::Add, Histogram::Observe are relaxed atomic
// operations on the cell and take no lock. Looking a cell up by labels
// (Family::Labels) takes the family's mutex; hot callers look it up once
// and keep the pointer (cells live as long as the registry).
//
// Thread-safe. No personal data belongs in label values: callers use
// bounded sets (method names, status codes, reasons).
#ifndef SOFDIR_SERVER_COMMON_METRICS_H_
#define SOFDIR_SERVER_COMMON_METRICS_H_

#include <atomic>
#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace sofdir::common {

// "a\"b\\c\nd" for the label value a"b\c<newline>d (exposition format).
std::string EscapeLabelValue(absl::string_view value);
// HELP text: backslash and newline escaped, quotes kept.
std::string EscapeHelp(absl::string_view help);
// A sample value: integers without a fraction, "+Inf", "-Inf", "NaN".
std::string FormatSampleValue(double value);

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds` ascending upper bounds (le); +Inf is added.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Per bucket (not cumulative), the last one being +Inf.
  std::vector<uint64_t> bucket_counts() const;
  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 0.5 ms .. 10 s.
std::vector<double> LatencyBuckets();

class Registry;

// One metric with its label names; cells by label values.
template <class Cell>
class Family {
 public:
  // The cell for `values` (as many as label names), created on first use.
  Cell& Labels(const std::vector<std::string>& values);

 private:
  friend class Registry;
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Cell>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Cell>()> make_;
  mutable absl::Mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Cell>> cells_ ABSL_GUARDED_BY(mu_);
};

// What a collector reports at Render time.
struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

class Registry {
 public:
  enum class Type { kCounter, kGauge };

  // Names must match [a-zA-Z_:][a-zA-Z0-9_:]*; labels [a-zA-Z_][a-zA-Z0-9_]*
  // (checked with an assert: names are constants of the program).
  // The returned family lives as long as the registry.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> bounds,
                                  std::vector<std::string> label_names = {});
  // A metric whose samples `collect` returns at each Render (called
  // without the registry's lock held; must be thread-safe).
  void AddCollector(const std::string& name, const std::string& help, Type type,
                    std::function<std::vector<Sample>()> collect);

  // Every metric in registration order, cells sorted by label values.
  std::string Render() const;

 private:
  struct Collector {
    std::string name, help;
    Type type;
    std::function<std::vector<Sample>()> collect;
  };
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Family<Counter>>> counters_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Family<Gauge>>> gauges_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<Family<Histogram>>> histograms_ ABSL_GUARDED_BY(mu_);
  std::vector<Collector> collectors_ ABSL_GUARDED_BY(mu_);
  // Render order: (kind 0..3, index).
  std::vector<std::pair<int, size_t>> order_ ABSL_GUARDED_BY(mu_);
};

template <class Cell>
Cell& Family<Cell>::Labels(const std::vector<std::string>& values) {
  assert(values.size() == label_names_.size());
  absl::MutexLock lock(&mu_);
  std::unique_ptr<Cell>& cell = cells_[values];
  if (cell == nullptr) cell = make_();
  return *cell;
}

}  // namespace sofdir::common

#endif  // SOFDIR_SERVER_COMMON_METRICS_H_
