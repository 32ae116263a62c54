#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workload/line_protocol_generator.h"
#include "workload/log_generator.h"
#include "workload/metric_generator.h"
#include "workload/narrow_log_generator.h"
#include "workload/wide_log_generator.h"

namespace ingot::workload {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(text.substr(start, nl - start));
  }
  EXPECT_EQ(start, text.size()) << "the last record lacks its newline";
  return lines;
}

// Leaf values (scalars and arrays) of a JSON object, counting nested objects' leaves.
std::size_t CountLeaves(simdjson::dom::element e) {
  simdjson::dom::object object;
  if (e.get(object) != simdjson::SUCCESS) return 1;
  std::size_t n = 0;
  for (auto field : object) n += CountLeaves(field.value);
  return n;
}

struct Shape {
  double mean_bytes = 0;
  std::size_t min_leaves = SIZE_MAX, max_leaves = 0;
};

// Generates `n` records, checks each parses as a JSON object with a non-decreasing "timestamp"
// starting at the generator's clock, and measures them.
template <typename Generator>
Shape Measure(Generator& gen, std::size_t n) {
  const std::int64_t start = gen.timestamp_ms();
  std::string text;
  for (std::size_t i = 0; i < n; ++i) gen.AppendRecord(text);
  const std::vector<std::string> lines = Lines(text);
  EXPECT_EQ(lines.size(), n);
  simdjson::dom::parser parser;
  Shape shape;
  std::int64_t last_ts = start;
  for (const std::string& line : lines) {
    simdjson::dom::element doc;
    const auto error = parser.parse(line).get(doc);
    EXPECT_EQ(error, simdjson::SUCCESS) << line;
    if (error) continue;
    EXPECT_TRUE(doc.is_object()) << line;
    std::int64_t ts = 0;
    EXPECT_EQ(doc["timestamp"].get(ts), simdjson::SUCCESS) << line;
    EXPECT_GE(ts, last_ts);
    EXPECT_LE(ts, last_ts + 3);
    last_ts = ts;
    const std::size_t leaves = CountLeaves(doc);
    shape.min_leaves = std::min(shape.min_leaves, leaves);
    shape.max_leaves = std::max(shape.max_leaves, leaves);
  }
  EXPECT_EQ(gen.timestamp_ms(), last_ts);
  shape.mean_bytes = static_cast<double>(text.size()) / static_cast<double>(n);
  return shape;
}

TEST(LogGenerator, Shape) {
  LogGenerator gen(7);
  const Shape s = Measure(gen, 2000);
  EXPECT_GT(s.mean_bytes, 240);
  EXPECT_LT(s.mean_bytes, 290);
  EXPECT_EQ(s.min_leaves, 9u);
  EXPECT_EQ(s.max_leaves, 9u);
}

TEST(LogGenerator, ClockCanBeMoved) {
  LogGenerator gen(7);
  gen.set_timestamp_ms(1'800'000'000'000);
  Measure(gen, 10);
  EXPECT_GE(gen.timestamp_ms(), 1'800'000'000'000);
}

TEST(WideLogGenerator, AboutFiftyFieldsAndTwoKilobytes) {
  WideLogGenerator gen(7);
  const Shape s = Measure(gen, 2000);
  EXPECT_GT(s.mean_bytes, 1700);
  EXPECT_LT(s.mean_bytes, 2400);
  EXPECT_GE(s.min_leaves, 45u);
  EXPECT_LE(s.max_leaves, 60u);
}

TEST(NarrowLogGenerator, AboutAHundredBytes) {
  NarrowLogGenerator gen(7);
  const Shape s = Measure(gen, 2000);
  EXPECT_GT(s.mean_bytes, 80);
  EXPECT_LT(s.mean_bytes, 120);
  EXPECT_EQ(s.min_leaves, 6u);
}

TEST(MetricGenerator, PointsHaveNameTypeAndValue) {
  MetricGenerator gen(7);
  std::string text;
  for (int i = 0; i < 500; ++i) gen.AppendRecord(text);
  simdjson::dom::parser parser;
  for (const std::string& line : Lines(text)) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
    std::string_view name, type;
    double value = 0;
    EXPECT_EQ(doc["__name__"].get(name), simdjson::SUCCESS);
    EXPECT_TRUE(doc["__type__"].get(type) == simdjson::SUCCESS &&
                (type == "counter" || type == "gauge"))
        << line;
    EXPECT_EQ(doc["value"].get(value), simdjson::SUCCESS) << line;
    EXPECT_GE(value, 0);
  }
  MetricGenerator again(7);
  const Shape s = Measure(again, 1000);
  EXPECT_GT(s.mean_bytes, 150);
  EXPECT_LT(s.mean_bytes, 230);
}

TEST(Generators, DeterministicForASeed) {
  auto text = [](auto gen) {
    std::string out;
    for (int i = 0; i < 100; ++i) gen.AppendRecord(out);
    return out;
  };
  EXPECT_EQ(text(WideLogGenerator(3)), text(WideLogGenerator(3)));
  EXPECT_NE(text(WideLogGenerator(3)), text(WideLogGenerator(4)));
  EXPECT_EQ(text(NarrowLogGenerator(3)), text(NarrowLogGenerator(3)));
  EXPECT_EQ(text(MetricGenerator(3)), text(MetricGenerator(3)));
  EXPECT_NE(text(MetricGenerator(3)), text(MetricGenerator(4)));
  EXPECT_EQ(text(LineProtocolGenerator(3)), text(LineProtocolGenerator(3)));
  EXPECT_NE(text(LineProtocolGenerator(3)), text(LineProtocolGenerator(4)));
}

// The points' syntax is checked by decoding them (protocols/influx/line_protocol_test.cc).
TEST(LineProtocolGenerator, PointsHaveTwoTagsThreeFieldsAndATimestamp) {
  LineProtocolGenerator gen(7);
  std::string text;
  for (int i = 0; i < 200; ++i) gen.AppendRecord(text);
  for (const std::string& line : Lines(text)) {
    EXPECT_TRUE(line.starts_with("cpu,host=web-")) << line;
    EXPECT_NE(line.find(",region="), std::string::npos) << line;
    EXPECT_NE(line.find(" usage_user="), std::string::npos) << line;
    EXPECT_NE(line.find(",usage_system="), std::string::npos) << line;
    EXPECT_NE(line.find(",requests="), std::string::npos) << line;
    EXPECT_EQ(line.size() - line.rfind(' ') - 1, 19u) << line;  // nanoseconds since the epoch
  }
}

}  // namespace
}  // namespace ingot::workload
