#include "tools/load/dump.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/load/body_pool.h"

namespace ingot::load {
namespace {

class DumpTest : public ::testing::Test {
 protected:
  DumpTest() {
    path_ = std::filesystem::temp_directory_path() /
            ("ingot_dump_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".ndjson");
  }
  ~DumpTest() override { std::filesystem::remove(path_); }

  std::string ReadDump() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path path_;
};

LoadOptions MultiOptions(Workload w) {
  LoadOptions o;
  o.endpoint = Endpoint::kMulti;
  o.workload = w;
  o.bodies = 3;
  o.connections = 2;
  o.seed = 7;
  o.start_timestamp_ms = 1'750'000'000'000;
  return o;
}

// The bodies of a `multi` run without ids, concatenated: the records the run sends.
std::string SentRecords(const LoadOptions& o, std::uint32_t records_per_request) {
  auto pool =
      BodyPool::Build(o, ParseUrl("http://127.0.0.1:5080").value(), records_per_request, "");
  EXPECT_TRUE(pool.ok());
  std::string all;
  for (std::size_t i = 0; i < pool->size(); ++i) all += pool->body(i).raw;
  return all;
}

TEST_F(DumpTest, HoldsExactlyTheRecordsTheRunsBodiesHold) {
  for (Workload w : {Workload::kLogs, Workload::kWide, Workload::kNarrow, Workload::kMetrics}) {
    SCOPED_TRACE(std::string(WorkloadName(w)));
    LoadOptions o = MultiOptions(w);
    const std::string sent = SentRecords(o, 7);
    o.max_records = 21;  // the three bodies of 7 records
    auto dumped = DumpNdjson(o, path_.string());
    ASSERT_TRUE(dumped.ok()) << dumped.status().ToString();
    EXPECT_EQ(dumped->records, 21u);
    EXPECT_EQ(dumped->bytes, sent.size());
    EXPECT_EQ(dumped->start_timestamp_ms, 1'750'000'000'000);
    EXPECT_EQ(ReadDump(), sent);

    o.max_records = 10;  // a prefix: the first body and three records of the second
    ASSERT_TRUE(DumpNdjson(o, path_.string()).ok());
    const std::string prefix = ReadDump();
    EXPECT_EQ(prefix, sent.substr(0, prefix.size()));
    EXPECT_EQ(std::count(prefix.begin(), prefix.end(), '\n'), 10);
  }
}

TEST_F(DumpTest, NeedsARecordCountAndAWritablePath) {
  LoadOptions o = MultiOptions(Workload::kLogs);
  EXPECT_EQ(DumpNdjson(o, path_.string()).status().code(), StatusCode::kInvalidInput);
  o.max_records = 1;
  EXPECT_EQ(DumpNdjson(o, "/nonexistent-dir/x.ndjson").status().code(), StatusCode::kIoError);
}

TEST(FirstBody, ConnectionsStartSpreadOverThePool) {
  EXPECT_EQ(FirstBody(0, 4, 1000), 0u);
  EXPECT_EQ(FirstBody(1, 4, 1000), 250u);
  EXPECT_EQ(FirstBody(3, 4, 1000), 750u);
  EXPECT_EQ(FirstBody(0, 1, 16), 0u);
  for (std::uint32_t c = 0; c < 64; ++c) EXPECT_LT(FirstBody(c, 64, 16), 16u);
  EXPECT_EQ(FirstBody(63, 64, 16), 15u);
}

}  // namespace
}  // namespace ingot::load
