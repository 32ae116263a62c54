#include "ingest/ingest_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace ingot::ingest {
namespace {

// Sum of the samples of `family` whose labels contain `match`.
double Sum(const std::string& text, const std::string& family, const std::string& match) {
  double sum = 0;
  std::size_t pos = 0;
  while ((pos = text.find(family + "{", pos)) != std::string::npos) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    if (line.find(match) != std::string::npos) sum += std::stod(line.substr(line.rfind(' ') + 1));
    pos = end;
  }
  return sum;
}

TEST(IngestMetrics, StreamSeriesAreBoundedAndTheRestIsFoldedIntoOther) {
  IngestMetrics metrics;
  const std::size_t streams = 3 * IngestMetrics::kMaxStreamSeries;
  for (std::size_t i = 0; i < streams; ++i) {
    metrics.Count(Endpoint::kJson, "acme", "s" + std::to_string(i), 2, 1, 100);
  }
  metrics.Count(Endpoint::kJson, "acme", "s0", 5, 0, 10);  // an early stream keeps its series
  std::string text;
  metrics.RenderMetrics(text);
  // One series per family for each stream kept, plus the (other) one.
  const auto samples = [&](const std::string& family) {
    std::size_t n = 0;
    for (std::size_t pos = 0; (pos = text.find(family + "{", pos)) != std::string::npos; ++pos) ++n;
    return n;
  };
  EXPECT_EQ(samples("ingot_ingested_records_total"), IngestMetrics::kMaxStreamSeries + 1);
  EXPECT_LT(text.size(), std::size_t{512} << 10);
  // Nothing is lost: the totals add up.
  EXPECT_EQ(Sum(text, "ingot_ingested_records_total", "endpoint=\"_json\""), 2.0 * streams + 5);
  EXPECT_EQ(Sum(text, "ingot_rejected_records_total", ""), 1.0 * streams);
  EXPECT_EQ(Sum(text, "ingot_ingested_records_total", "stream=\"(other)\""),
            2.0 * (streams - IngestMetrics::kMaxStreamSeries));
  EXPECT_EQ(Sum(text, "ingot_ingested_records_total", "stream=\"s0\""), 7.0);
  EXPECT_EQ(Sum(text, "ingot_ingested_bytes_total", ""), 100.0 * streams + 10);

  // More streams do not grow /metrics further.
  for (std::size_t i = streams; i < 2 * streams; ++i) {
    metrics.Count(Endpoint::kHec, "o" + std::to_string(i), "x", 1, 0, 1);
  }
  std::string more;
  metrics.RenderMetrics(more);
  EXPECT_LT(more.size(), text.size() + 1024);
}

}  // namespace
}  // namespace ingot::ingest
