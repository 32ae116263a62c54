#include "persist/quarantine.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/batch_builder.h"

namespace ingot::persist {
namespace {

namespace stdfs = std::filesystem;

std::string ReadFile(const stdfs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Two records: one with every type and an _extra field, one with nulls.
model::RecordBatch SampleBatch() {
  model::BatchBuilder b;
  model::BuilderOptions o;
  o.now_us = 1'700'000'000'000'000;  // 2023-11-14T22:13:20Z
  b.Reset(o);
  std::string err;
  b.BeginRecord();
  b.AddString(b.Child(model::BatchBuilder::kRoot, "msg"), "say \"hi\"\n");
  b.AddInt(b.Child(model::BatchBuilder::kRoot, "n"), -7);
  b.AddDouble(b.Child(model::BatchBuilder::kRoot, "f"), 2.5);
  b.AddBool(b.Child(model::BatchBuilder::kRoot, "ok"), true);
  b.AddInt(b.Child(model::BatchBuilder::kRoot, "_extra"), 1);  // a field called _extra: kept there
  EXPECT_TRUE(b.EndRecord(&err)) << err;
  b.BeginRecord();
  b.AddInt(b.Child(model::BatchBuilder::kRoot, "n"), 8);
  EXPECT_TRUE(b.EndRecord(&err)) << err;
  return std::move(b.Finish());
}

TEST(NdjsonRows, WritesEachRowAsTheRecordItWas) {
  const model::RecordBatch batch = SampleBatch();
  NdjsonRows rows(batch);
  std::string out;
  while (!rows.done()) rows.AppendNext(out);
  EXPECT_EQ(out,
            "{\"_timestamp\":\"2023-11-14T22:13:20.000000Z\",\"msg\":\"say \\\"hi\\\"\\n\","
            "\"n\":-7,\"f\":2.5,\"ok\":true,\"_extra\":1}\n"
            "{\"_timestamp\":\"2023-11-14T22:13:20.000000Z\",\"n\":8}\n");
  // Every line is JSON.
  simdjson::dom::parser parser;
  std::size_t lines = 0;
  for (std::size_t start = 0; start < out.size(); ++lines) {
    const std::size_t end = out.find('\n', start);
    simdjson::dom::element e;
    EXPECT_EQ(parser.parse(out.substr(start, end - start)).get(e), simdjson::SUCCESS);
    start = end + 1;
  }
  EXPECT_EQ(lines, 2u);
}

TEST(NdjsonRows, NonFiniteNumbersBecomeText) {
  model::RecordBatch batch;
  batch.AddColumn("x", model::ColumnType::kFloat64);
  batch.column(0).AppendDouble(std::numeric_limits<double>::quiet_NaN());
  batch.CommitRow();
  NdjsonRows rows(batch);
  std::string out;
  rows.AppendNext(out);
  EXPECT_EQ(out, "{\"x\":\"NaN\"}\n");
}

class QuarantineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = stdfs::temp_directory_path() /
            ("ingot_quarantine_" + std::to_string(::getpid()) + "_" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(root_);
  }
  void TearDown() override { stdfs::remove_all(root_); }
  stdfs::path root_;
};

TEST_F(QuarantineTest, WritesRowsAndANoteThatTheIndexReadsBack) {
  Quarantine quarantine(fs::PosixFileSystem(), root_.string());
  const model::StreamKey key{"org", model::StreamType::kLogs, std::string(300, 'x')};
  wal::SeqRanges seqs;
  seqs.Add(5);
  seqs.Add(6);
  seqs.Add(9);
  const model::RecordBatch batch = SampleBatch();
  ASSERT_TRUE(quarantine.Put(key, 472'222, seqs, batch, "mkdir: File name too long").ok());
  EXPECT_EQ(quarantine.stats().batches.load(), 1u);
  EXPECT_EQ(quarantine.stats().rows.load(), 2u);

  std::vector<stdfs::path> notes, rows;
  for (const auto& e : stdfs::directory_iterator(root_ / "quarantine")) {
    (e.path().extension() == ".json" ? notes : rows).push_back(e.path());
  }
  ASSERT_EQ(notes.size(), 1u);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].extension(), ".ndjson");
  EXPECT_EQ(ReadFile(rows[0]).find("{\"_timestamp\":"), 0u);

  simdjson::dom::parser parser;
  simdjson::dom::element note;
  ASSERT_EQ(parser.parse(ReadFile(notes[0])).get(note), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(note["org"]), "org");
  EXPECT_EQ(std::string_view(note["type"]), "logs");
  EXPECT_EQ(std::string_view(note["stream"]), key.stream);
  EXPECT_EQ(std::string_view(note["hour"]), "2023-11-14T22:00:00.000000Z");
  EXPECT_EQ(int64_t(note["rows"]), 2);
  EXPECT_EQ(std::string_view(note["wal_seqs"]), "5-6,9");
  EXPECT_EQ(std::string_view(note["reason"]), "mkdir: File name too long");
  EXPECT_EQ(std::string_view(note["rows_file"]), rows[0].filename().string());

  const QuarantineIndex index = QuarantineIndex::Load(fs::PosixFileSystem(), root_.string());
  EXPECT_EQ(index.notes(), 1u);
  EXPECT_TRUE(index.Contains(key, 472'222, 5));
  EXPECT_TRUE(index.Contains(key, 472'222, 9));
  EXPECT_FALSE(index.Contains(key, 472'222, 4));
  EXPECT_FALSE(index.Contains(key, 472'222, 10));
  EXPECT_FALSE(index.Contains(key, 472'223, 5));
  EXPECT_FALSE(index.Contains({"org", model::StreamType::kMetrics, key.stream}, 472'222, 5));
}

TEST_F(QuarantineTest, AnEmptyOrMissingFolderIsAnEmptyIndex) {
  const QuarantineIndex index = QuarantineIndex::Load(fs::PosixFileSystem(), root_.string());
  EXPECT_EQ(index.notes(), 0u);
  EXPECT_FALSE(index.Contains({"o", model::StreamType::kLogs, "s"}, 0, 1));
}

}  // namespace
}  // namespace ingot::persist
