#include "parquet/metadata_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "model/batch_builder.h"
#include "parquet/output_stream.h"
#include "parquet/write_batch.h"

namespace ingot::parquet {
namespace {

std::string SmallFile() {
  model::BatchBuilder b;
  std::string err;
  for (int i = 0; i < 3; ++i) {
    b.BeginRecord();
    b.AddInt(b.Child(model::BatchBuilder::kRoot, "n"), i);
    EXPECT_TRUE(b.EndRecord(&err));
  }
  WriterOptions o;
  o.key_value_metadata = {{"ingot.wal_seqs", "4-9"}, {"k", "v"}};
  StringOutputStream out;
  EXPECT_TRUE(WriteBatch(b.Finish(), o, out).ok());
  return out.contents();
}

TEST(MetadataReader, ReadsRowsAndKeyValues) {
  const std::string file = SmallFile();
  auto summary = ParseFooter(file);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->num_rows, 3);
  EXPECT_EQ(summary->Value("ingot.wal_seqs"), "4-9");
  EXPECT_EQ(summary->Value("k"), "v");
  EXPECT_EQ(summary->Value("missing"), "");

  const std::string path = ::testing::TempDir() + "metadata_reader_" + std::to_string(::getpid());
  std::ofstream(path, std::ios::binary) << file;
  auto from_disk = ReadFooter(path);
  ASSERT_TRUE(from_disk.ok()) << from_disk.status().ToString();
  EXPECT_EQ(from_disk->Value("ingot.wal_seqs"), "4-9");
  ::unlink(path.c_str());
}

TEST(MetadataReader, RejectsDamagedFooters) {
  std::string file = SmallFile();
  EXPECT_FALSE(ParseFooter(file.substr(0, file.size() - 1)).ok());  // magic cut
  std::string bad_length = file;
  bad_length[bad_length.size() - 8] = static_cast<char>(0xff);
  bad_length[bad_length.size() - 5] = 0x7f;
  EXPECT_FALSE(ParseFooter(bad_length).ok());
  EXPECT_FALSE(ParseFooter("PAR1").ok());
  EXPECT_FALSE(ReadFooter("/nonexistent/file.parquet").ok());
}

}  // namespace
}  // namespace ingot::parquet
