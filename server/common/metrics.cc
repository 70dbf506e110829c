#include "server/common/metrics.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace sofdir::common {
namespace {

bool ValidName(absl::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(letter || (colon && c == ':') || (i > 0 && digit))) return false;
  }
  return true;
}

void AddAtomic(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

std::string LabelText(const std::vector<std::pair<std::string, std::string>>& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    absl::StrAppend(&out, labels[i].first, "=\"", EscapeLabelValue(labels[i].second), "\"");
  }
  out += "}";
  return out;
}

std::vector<std::pair<std::string, std::string>> Zip(const std::vector<std::string>& names,
                                                     const std::vector<std::string>& values) {
  std::vector<std::pair<std::string, std::string>> labels;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    labels.emplace_back(names[i], values[i]);
  }
  return labels;
}

void Header(std::string& out, const std::string& name, const std::string& help,
            absl::string_view type) {
  absl::StrAppend(&out, "# HELP ", name, " ", EscapeHelp(help), "\n# TYPE ", name, " ", type, "\n");
}

}  // namespace

std::string EscapeLabelValue(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(absl::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  // The shortest text that reads back as the same double: 0.1, not
  // 0.10000000000000001.
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

void Gauge::Add(double delta) { AddAtomic(value_, delta); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  AddAtomic(sum_, value);
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  return counts;
}

uint64_t Histogram::count() const {
  uint64_t total = 0;
  for (uint64_t n : bucket_counts()) total += n;
  return total;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  assert(ValidName(name, true));
  for ([[maybe_unused]] const std::string& label : label_names) assert(ValidName(label, false));
  absl::MutexLock lock(&mu_);
  counters_.emplace_back(new Family<Counter>(name, help, std::move(label_names),
                                             [] { return std::make_unique<Counter>(); }));
  order_.emplace_back(0, counters_.size() - 1);
  return *counters_.back();
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  assert(ValidName(name, true));
  for ([[maybe_unused]] const std::string& label : label_names) assert(ValidName(label, false));
  absl::MutexLock lock(&mu_);
  gauges_.emplace_back(new Family<Gauge>(name, help, std::move(label_names),
                                         [] { return std::make_unique<Gauge>(); }));
  order_.emplace_back(1, gauges_.size() - 1);
  return *gauges_.back();
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<double> bounds,
                                          std::vector<std::string> label_names) {
  assert(ValidName(name, true));
  for ([[maybe_unused]] const std::string& label : label_names) {
    assert(ValidName(label, false) && label != "le");
  }
  absl::MutexLock lock(&mu_);
  histograms_.emplace_back(new Family<Histogram>(name, help, std::move(label_names), [bounds] {
    return std::make_unique<Histogram>(bounds);
  }));
  order_.emplace_back(2, histograms_.size() - 1);
  return *histograms_.back();
}

void Registry::AddCollector(const std::string& name, const std::string& help, Type type,
                            std::function<std::vector<Sample>()> collect) {
  assert(ValidName(name, true));
  absl::MutexLock lock(&mu_);
  collectors_.push_back({name, help, type, std::move(collect)});
  order_.emplace_back(3, collectors_.size() - 1);
}

std::string Registry::Render() const {
  // Collectors run first, outside the lock: they may be slow (disk, RocksDB).
  std::vector<std::pair<int, size_t>> order;
  std::vector<Collector> collectors;
  {
    absl::MutexLock lock(&mu_);
    order = order_;
    collectors = collectors_;
  }
  std::vector<std::vector<Sample>> collected;
  for (const Collector& collector : collectors) collected.push_back(collector.collect());

  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [kind, index] : order) {
    if (kind == 0) {
      const Family<Counter>& family = *counters_[index];
      Header(out, family.name_, family.help_, "counter");
      absl::MutexLock cells(&family.mu_);
      for (const auto& [values, cell] : family.cells_) {
        absl::StrAppend(&out, family.name_, LabelText(Zip(family.label_names_, values)), " ",
                        cell->value(), "\n");
      }
    } else if (kind == 1) {
      const Family<Gauge>& family = *gauges_[index];
      Header(out, family.name_, family.help_, "gauge");
      absl::MutexLock cells(&family.mu_);
      for (const auto& [values, cell] : family.cells_) {
        absl::StrAppend(&out, family.name_, LabelText(Zip(family.label_names_, values)), " ",
                        FormatSampleValue(cell->value()), "\n");
      }
    } else if (kind == 2) {
      const Family<Histogram>& family = *histograms_[index];
      Header(out, family.name_, family.help_, "histogram");
      absl::MutexLock cells(&family.mu_);
      for (const auto& [values, cell] : family.cells_) {
        auto labels = Zip(family.label_names_, values);
        const std::vector<uint64_t> counts = cell->bucket_counts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          auto with_le = labels;
          with_le.emplace_back(
              "le", i < cell->bounds().size() ? FormatSampleValue(cell->bounds()[i]) : "+Inf");
          absl::StrAppend(&out, family.name_, "_bucket", LabelText(with_le), " ", cumulative, "\n");
        }
        absl::StrAppend(&out, family.name_, "_sum", LabelText(labels), " ",
                        FormatSampleValue(cell->sum()), "\n", family.name_, "_count",
                        LabelText(labels), " ", cumulative, "\n");
      }
    } else {
      const Collector& collector = collectors[index];
      Header(out, collector.name, collector.help,
             collector.type == Type::kCounter ? "counter" : "gauge");
      for (const Sample& sample : collected[index]) {
        absl::StrAppend(&out, collector.name, LabelText(sample.labels), " ",
                        FormatSampleValue(sample.value), "\n");
      }
    }
  }
  return out;
}

}  // namespace sofdir::common
