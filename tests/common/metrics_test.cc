#include "server/common/metrics.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sofdir::common {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, LabelValuesAreEscapedAsTheExpositionFormatSays) {
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(EscapeLabelValue("æøå"), "æøå");
  EXPECT_EQ(EscapeHelp("line\none \"quoted\" \\"), "line\\none \"quoted\" \\\\");
}

TEST(MetricsTest, SampleValuesAreIntegersInfinitiesOrShortestFloats) {
  EXPECT_EQ(FormatSampleValue(3), "3");
  EXPECT_EQ(FormatSampleValue(-2), "-2");
  EXPECT_EQ(FormatSampleValue(0.5), "0.5");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(0.0025), "0.0025");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(MetricsTest, CounterWithLabelsRendersHelpTypeAndOneLinePerCell) {
  Registry registry;
  Family<Counter>& calls =
      registry.AddCounter("calls_total", "Calls by\nmethod.", {"method", "code"});
  calls.Labels({"Search", "OK"}).Add(2);
  calls.Labels({"Search", "OK"}).Add();
  calls.Labels({"Get", "NOT_FOUND"}).Add();
  calls.Labels({"we\"ird", "OK"}).Add();
  EXPECT_EQ(registry.Render(),
            "# HELP calls_total Calls by\\nmethod.\n"
            "# TYPE calls_total counter\n"
            "calls_total{method=\"Get\",code=\"NOT_FOUND\"} 1\n"
            "calls_total{method=\"Search\",code=\"OK\"} 3\n"
            "calls_total{method=\"we\\\"ird\",code=\"OK\"} 1\n");
}

TEST(MetricsTest, GaugeWithoutLabelsGoesUpAndDown) {
  Registry registry;
  Gauge& in_flight = registry.AddGauge("in_flight", "Calls now.").Labels({});
  in_flight.Add(1);
  in_flight.Add(1);
  in_flight.Add(-1);
  EXPECT_EQ(registry.Render(),
            "# HELP in_flight Calls now.\n# TYPE in_flight gauge\nin_flight 1\n");
  in_flight.Set(2.5);
  EXPECT_THAT(registry.Render(), HasSubstr("\nin_flight 2.5\n"));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  Family<Histogram>& latency =
      registry.AddHistogram("latency_seconds", "Latency.", {0.25, 1}, {"method"});
  Histogram& search = latency.Labels({"Search"});
  search.Observe(0.125);
  search.Observe(0.25);  // on the bound: counts as le="0.25"
  search.Observe(0.5);
  search.Observe(7);
  EXPECT_EQ(registry.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{method=\"Search\",le=\"0.25\"} 2\n"
            "latency_seconds_bucket{method=\"Search\",le=\"1\"} 3\n"
            "latency_seconds_bucket{method=\"Search\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{method=\"Search\"} 7.875\n"
            "latency_seconds_count{method=\"Search\"} 4\n");
}

TEST(MetricsTest, CollectorsAreAskedAtEveryRenderInRegistrationOrder) {
  Registry registry;
  registry.AddCounter("first_total", "First.").Labels({}).Add(1);
  int asked = 0;
  registry.AddCollector("disk_free_bytes", "Free.", Registry::Type::kGauge, [&asked] {
    ++asked;
    return std::vector<Sample>{{{{"dir", "data"}}, 1024.0 * asked}};
  });
  EXPECT_EQ(registry.Render(),
            "# HELP first_total First.\n# TYPE first_total counter\nfirst_total 1\n"
            "# HELP disk_free_bytes Free.\n# TYPE disk_free_bytes gauge\n"
            "disk_free_bytes{dir=\"data\"} 1024\n");
  EXPECT_THAT(registry.Render(), HasSubstr("disk_free_bytes{dir=\"data\"} 2048\n"));
}

TEST(MetricsTest, ConcurrentAddsAreAllCounted) {
  Registry registry;
  Counter& counter = registry.AddCounter("n_total", "N.").Labels({});
  Histogram& histogram = registry.AddHistogram("h", "H.", {1}).Labels({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter.Add();
        histogram.Observe(0.5);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 80000u);
  EXPECT_EQ(histogram.count(), 80000u);
  EXPECT_DOUBLE_EQ(histogram.sum(), 40000);
}

}  // namespace
}  // namespace sofdir::common
