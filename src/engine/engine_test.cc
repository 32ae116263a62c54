// An Engine started from its options alone, as a test or an embedding program would: open,
// recover, start, ingest over real HTTP, stop, and again on the same data directory.
#include "engine/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "http/test_client.h"

namespace ingot::engine {
namespace {

namespace fs = std::filesystem;
using http::testing::CurlClient;

std::size_t ParquetFiles(const fs::path& root) {
  std::size_t n = 0;
  if (!fs::exists(root)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    n += e.path().extension() == ".parquet";
  }
  return n;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ingot_engine_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    options_.data_dir = dir_.string();
    options_.http_addr = "127.0.0.1:0";
    options_.grpc_addr = "";
    options_.io_threads = 1;
    options_.persist_threads = 1;
    options_.memory_limit_bytes = 64 << 20;
    options_.min_free_disk_bytes = 0;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Url(const Engine& e, std::string_view path) {
    return "http://127.0.0.1:" + std::to_string(e.http_port()) + std::string(path);
  }

  // A node whose every file takes 3 s acknowledges one record and is stopped with no time left:
  // the record stays in the WAL only.
  void AckOneRecordThenStopOutOfTime() {
    options_.test_persist_delay_us = 3'000'000;
    Engine engine(options_);
    ASSERT_TRUE(engine.Open().ok());
    ASSERT_TRUE(engine.Recover().ok());
    engine.Start();
    CurlClient client;
    ASSERT_EQ(client.Post(Url(engine, "/api/o/s/_json"), R"([{"a":1}])").status, 200);
    EXPECT_FALSE(engine.Stop(std::chrono::steady_clock::now()));
  }

  fs::path dir_;
  EngineOptions options_;
};

TEST_F(EngineTest, OpenRecoverStartIngestStop) {
  Engine engine(options_);
  ASSERT_TRUE(engine.Open().ok());
  CurlClient client;
  // Listening, not yet ready: ingestion answers 503 + Retry-After.
  EXPECT_EQ(client.Get(Url(engine, "/healthz")).status, 200);
  EXPECT_EQ(client.Get(Url(engine, "/readyz")).status, 503);
  EXPECT_EQ(client.Post(Url(engine, "/api/o/s/_json"), R"([{"a":1}])").status, 503);
  ASSERT_TRUE(engine.Recover().ok());
  engine.Start();
  EXPECT_EQ(client.Get(Url(engine, "/readyz")).status, 200);
  const auto r = client.Post(Url(engine, "/api/o/s/_json"), R"([{"a":1},{"a":2}])");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(engine.Stop(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(engine.rows_written(), 2u);
  EXPECT_EQ(ParquetFiles(dir_ / "files/o/logs/s"), 1u);
  EXPECT_TRUE(engine.Stop(std::chrono::steady_clock::now()));  // idempotent
}

// What one node acknowledged and did not write (a stop out of time) the next one writes, once:
// whether the first node's persist thread still finished its file while stopping or not, there
// is exactly one file with the record afterwards.
TEST_F(EngineTest, WhatAStopCouldNotWriteTheNextStartWrites) {
  AckOneRecordThenStopOutOfTime();
  options_.test_persist_delay_us = 0;
  Engine engine(options_);
  ASSERT_TRUE(engine.Open().ok());
  ASSERT_TRUE(engine.Recover().ok());  // replayed and written before it turns ready
  EXPECT_EQ(ParquetFiles(dir_ / "files/o/logs/s"), 1u);
}

TEST_F(EngineTest, OpenReportsWhatStopsANodeFromStarting) {
  options_.http_addr = "0.0.0.0:0";  // exposed, and no credentials
  Engine exposed(options_);
  EXPECT_FALSE(exposed.Open().ok());
  options_.http_addr = "127.0.0.1:0";
  options_.compression = "brotli";
  Engine bad_codec(options_);
  EXPECT_FALSE(bad_codec.Open().ok());
}

// A stop asked for during recovery ends it; the WAL keeps what was not replayed.
TEST_F(EngineTest, RecoverEndsWhenAStopIsAsked) {
  AckOneRecordThenStopOutOfTime();
  options_.test_persist_delay_us = 0;
  {
    std::atomic<bool> stop{true};
    Engine engine(options_);
    ASSERT_TRUE(engine.Open().ok());
    const Status st = engine.Recover(&stop);
    EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  }
  Engine engine(options_);
  ASSERT_TRUE(engine.Open().ok());
  ASSERT_TRUE(engine.Recover().ok());
  EXPECT_EQ(ParquetFiles(dir_ / "files/o/logs/s"), 1u);
}

}  // namespace
}  // namespace ingot::engine
