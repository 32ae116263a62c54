#include "convert/ndjson_to_parquet.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ingot::convert {
namespace {

namespace fs = std::filesystem;

class ConvertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ingot_convert_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    options_.input = (dir_ / "in.ndjson").string();
    options_.output = (dir_ / "out.parquet").string();
    options_.chunk_bytes = 64;  // many chunks, to exercise the parallel paths
    options_.threads = 3;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void WriteInput(const std::string& text) { std::ofstream(options_.input) << text; }
  std::string OutputMagic() {
    std::ifstream in(options_.output, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return std::string(magic, 4);
  }

  fs::path dir_;
  ConvertOptions options_;
  ConvertStats stats_;
};

TEST_F(ConvertTest, ConvertsEveryRecordAcrossChunks) {
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text += "{\"i\":" + std::to_string(i) + ",\"s\":\"value " + std::to_string(i % 7) + "\"}\n";
  }
  text += "{\"late\":true}";  // a column only the last chunk has, and no final newline
  WriteInput(text);
  ASSERT_TRUE(ConvertNdjsonToParquet(options_, stats_).ok());
  EXPECT_EQ(stats_.records, 501u);
  EXPECT_EQ(stats_.failed_records, 0u);
  EXPECT_EQ(stats_.input_bytes, text.size());
  EXPECT_EQ(fs::file_size(options_.output), stats_.output_bytes);
  EXPECT_GT(stats_.row_groups, 1u);
  EXPECT_EQ(OutputMagic(), "PAR1");
  EXPECT_FALSE(fs::exists(options_.output + ".tmp"));
}

TEST_F(ConvertTest, MalformedLineIsReportedWithItsLineInTheWholeFile) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "{\"i\":" + std::to_string(i) + "}\n";
  text += "{\"i\": oops}\n";  // line 101
  for (int i = 0; i < 10; ++i) text += "{\"i\":1}\n";
  WriteInput(text);
  std::ofstream(options_.output) << "previous";
  Status st = ConvertNdjsonToParquet(options_, stats_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message().rfind("line 101:", 0), 0u) << st.message();
  std::ifstream in(options_.output);
  std::string previous;
  in >> previous;
  EXPECT_EQ(previous, "previous");  // OUT untouched on failure
}

TEST_F(ConvertTest, CountsRecordsRejectedByNormalization) {
  WriteInput("{\"_timestamp\":\"soon\"}\n{\"a\":1}\n");
  ASSERT_TRUE(ConvertNdjsonToParquet(options_, stats_).ok());
  EXPECT_EQ(stats_.records, 1u);
  EXPECT_EQ(stats_.failed_records, 1u);
  EXPECT_NE(stats_.first_failure.find("line 1"), std::string::npos);
}

TEST_F(ConvertTest, EmptyInputGivesAnEmptyFile) {
  WriteInput("");
  ASSERT_TRUE(ConvertNdjsonToParquet(options_, stats_).ok());
  EXPECT_EQ(stats_.records, 0u);
  EXPECT_EQ(OutputMagic(), "PAR1");
}

TEST_F(ConvertTest, MissingInputIsAnError) {
  options_.input = (dir_ / "missing.ndjson").string();
  EXPECT_EQ(ConvertNdjsonToParquet(options_, stats_).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace ingot::convert
