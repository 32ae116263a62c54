#include "parquet/column_chunk_encoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "parquet/test_data.h"
#include "parquet/thrift_io.h"

namespace ingot::parquet {
namespace {

using model::Column;
using model::ColumnType;

struct Chunk {
  ColumnChunkInfo info;
  ByteBuffer bytes;
  std::vector<format::PageHeader> pages;
};

// Encodes rows [begin, end) of `column` and walks the pages, checking that their sizes add up to
// what the chunk info claims.
Chunk Encode(const Column* column, ColumnType type, std::size_t begin, std::size_t end,
             const WriterOptions& options) {
  Chunk chunk;
  chunk.bytes.Append("xx");  // the chunk does not start at 0: offsets count from out's start
  Result<ColumnChunkInfo> info = EncodeColumnChunk(column, type, begin, end, options, &chunk.bytes);
  EXPECT_TRUE(info.ok()) << info.status().ToString();
  if (!info.ok()) return chunk;
  chunk.info = info.value();
  std::size_t pos = 2;
  std::int64_t uncompressed = 0, compressed = 0, rows = 0;
  while (pos < chunk.bytes.size()) {
    format::PageHeader header;
    std::uint32_t header_bytes = 0;
    Status st = internal::ReadThrift(chunk.bytes.view().substr(pos), &header, &header_bytes);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) break;
    if (header.type == format::PageType::DICTIONARY_PAGE) {
      EXPECT_EQ(static_cast<std::int64_t>(pos), chunk.info.dictionary_page_offset);
    } else if (chunk.pages.empty() ||
               chunk.pages.back().type == format::PageType::DICTIONARY_PAGE) {
      EXPECT_EQ(static_cast<std::int64_t>(pos), chunk.info.data_page_offset);
    }
    if (header.type == format::PageType::DATA_PAGE) rows += header.data_page_header.num_values;
    uncompressed += header_bytes + header.uncompressed_page_size;
    compressed += header_bytes + header.compressed_page_size;
    pos += header_bytes + static_cast<std::size_t>(header.compressed_page_size);
    chunk.pages.push_back(header);
  }
  EXPECT_EQ(pos, chunk.bytes.size());
  EXPECT_EQ(uncompressed, chunk.info.uncompressed_bytes);
  EXPECT_EQ(compressed, chunk.info.compressed_bytes);
  EXPECT_EQ(rows, static_cast<std::int64_t>(end - begin));
  EXPECT_EQ(chunk.info.num_values, static_cast<std::int64_t>(end - begin));
  return chunk;
}

Chunk EncodeAll(const Column& column, const WriterOptions& options = {}) {
  return Encode(&column, column.type(), 0, column.rows(), options);
}

Column Strings(std::size_t rows, std::size_t distinct, std::size_t length = 8) {
  Column c("s", ColumnType::kString);
  for (std::size_t r = 0; r < rows; ++r) {
    std::string v = std::to_string(r % distinct);
    v.insert(0, length > v.size() ? length - v.size() : 0, 'v');
    c.AppendString(v);
  }
  return c;
}

TEST(ColumnChunkEncoder, LowCardinalityStringsUseADictionary) {
  const Column c = Strings(10000, 4);
  const Chunk chunk = EncodeAll(c);
  ASSERT_TRUE(chunk.info.dictionary_encoded);
  EXPECT_EQ(chunk.info.dictionary_size, 4u);
  EXPECT_EQ(chunk.info.dictionary_page_offset, 2);
  ASSERT_GE(chunk.pages.size(), 2u);
  EXPECT_EQ(chunk.pages[0].type, format::PageType::DICTIONARY_PAGE);
  EXPECT_EQ(chunk.pages[0].dictionary_page_header.num_values, 4);
  EXPECT_EQ(chunk.pages[0].dictionary_page_header.encoding, format::Encoding::PLAIN);
  EXPECT_EQ(chunk.pages[1].data_page_header.encoding, format::Encoding::RLE_DICTIONARY);
  EXPECT_EQ(chunk.pages[1].data_page_header.definition_level_encoding, format::Encoding::RLE);
  EXPECT_EQ(chunk.info.data_pages, 1);
}

TEST(ColumnChunkEncoder, UniqueStringsArePlain) {
  const Chunk chunk = EncodeAll(Strings(10000, 10000));
  EXPECT_FALSE(chunk.info.dictionary_encoded);
  EXPECT_EQ(chunk.info.dictionary_page_offset, -1);
  EXPECT_EQ(chunk.info.data_page_offset, 2);
  EXPECT_EQ(chunk.pages[0].data_page_header.encoding, format::Encoding::PLAIN);
}

TEST(ColumnChunkEncoder, DictionaryFallsBackToPlainPastTheByteLimit) {
  // 100 distinct 100-byte values: a 10,400-byte dictionary that pays off (50 rows each)...
  const Column c = Strings(5000, 100, 100);
  EXPECT_TRUE(EncodeAll(c).info.dictionary_encoded);
  // ...unless the limit is below it.
  WriterOptions small;
  small.dictionary_bytes_limit = 4096;
  EXPECT_FALSE(EncodeAll(c, small).info.dictionary_encoded);
  small.dictionary = DictionaryMode::kAlways;  // the limit holds in every mode
  EXPECT_FALSE(EncodeAll(c, small).info.dictionary_encoded);
}

TEST(ColumnChunkEncoder, ModesForceTheChoice) {
  WriterOptions never;
  never.dictionary = DictionaryMode::kNever;
  EXPECT_FALSE(EncodeAll(Strings(1000, 2), never).info.dictionary_encoded);
  WriterOptions always;
  always.dictionary = DictionaryMode::kAlways;
  EXPECT_TRUE(EncodeAll(Strings(10000, 10000), always).info.dictionary_encoded);
}

TEST(ColumnChunkEncoder, MidCardinalityIsJudgedBySize) {
  // 3000 distinct values over 100k rows: more than 90% new in the first 4096 values would stop
  // the attempt early, but the rate falls later and the dictionary pays off in the end.
  Column ints("i", ColumnType::kInt64);
  std::mt19937_64 rng(3);
  for (int r = 0; r < 100000; ++r)
    ints.AppendInt(static_cast<std::int64_t>(rng() % 3000) * 1000003);
  EXPECT_TRUE(EncodeAll(ints).info.dictionary_encoded);

  // Increasing timestamps, each repeated ~1.5 times: the dictionary is nearly as big as the
  // values, so PLAIN wins.
  Column ts("t", ColumnType::kTimestamp);
  for (std::int64_t r = 0; r < 100000; ++r) ts.AppendInt(1'700'000'000'000'000 + r * 2 / 3 * 1000);
  EXPECT_FALSE(EncodeAll(ts).info.dictionary_encoded);
}

TEST(ColumnChunkEncoder, BooleansNeverUseADictionary) {
  Column c("b", ColumnType::kBool);
  for (int r = 0; r < 1000; ++r) c.AppendBool(r % 2 == 0);
  WriterOptions always;
  always.dictionary = DictionaryMode::kAlways;
  const Chunk chunk = EncodeAll(c, always);
  EXPECT_FALSE(chunk.info.dictionary_encoded);
  EXPECT_EQ(chunk.info.statistics.min_value, std::string(1, '\0'));
  EXPECT_EQ(chunk.info.statistics.max_value, std::string(1, '\1'));
}

TEST(ColumnChunkEncoder, LargeChunksSplitIntoPages) {
  Column c("i", ColumnType::kInt64);
  for (std::int64_t r = 0; r < 100000; ++r) c.AppendInt(r * 104729);
  WriterOptions options;
  options.data_page_bytes = 64 * 1024;  // 8192 values a page
  const Chunk chunk = EncodeAll(c, options);
  EXPECT_FALSE(chunk.info.dictionary_encoded);
  EXPECT_EQ(chunk.info.data_pages, 13);  // ceil(100000 / 8192)
  ASSERT_EQ(chunk.pages.size(), 13u);
  EXPECT_EQ(chunk.pages[0].data_page_header.num_values, 8192);
  EXPECT_EQ(chunk.pages[12].data_page_header.num_values, 100000 - 12 * 8192);
}

TEST(ColumnChunkEncoder, StringPagesCloseAtTheByteBudget) {
  const Column c = Strings(20000, 20000, 96);  // 100 PLAIN bytes a value
  WriterOptions options;
  options.data_page_bytes = 10000;
  const Chunk chunk = EncodeAll(c, options);
  EXPECT_EQ(chunk.info.data_pages, 200);
  EXPECT_EQ(chunk.pages[0].data_page_header.num_values, 100);
}

TEST(ColumnChunkEncoder, NullsDoNotCountTowardsThePageBudget) {
  Column c("i", ColumnType::kInt64);
  for (std::int64_t r = 0; r < 30000; ++r) {
    if (r % 3 == 0) {
      c.AppendInt(r);
    } else {
      c.AppendNull();
    }
  }
  WriterOptions options;
  options.data_page_bytes = 8000;  // 1000 values
  options.dictionary = DictionaryMode::kNever;
  const Chunk chunk = EncodeAll(c, options);
  EXPECT_EQ(chunk.info.data_pages, 10);
  EXPECT_EQ(chunk.info.statistics.null_count, 20000);
}

TEST(ColumnChunkEncoder, MissingColumnIsOneAllNullPage) {
  const Chunk chunk = Encode(nullptr, ColumnType::kFloat64, 0, 50000, WriterOptions{});
  EXPECT_FALSE(chunk.info.dictionary_encoded);
  EXPECT_EQ(chunk.info.data_pages, 1);
  EXPECT_EQ(chunk.info.statistics.null_count, 50000);
  EXPECT_FALSE(chunk.info.statistics.has_min_max);
  EXPECT_TRUE(chunk.info.statistics.has_nan_count);  // required for floating point columns
}

TEST(ColumnChunkEncoder, StatisticsFromTheDictionaryMatchThoseFromTheValues) {
  const model::RecordBatch batch = testing::MixedBatch(3000);
  WriterOptions always, never;
  always.dictionary = DictionaryMode::kAlways;
  never.dictionary = DictionaryMode::kNever;
  for (std::size_t i = 0; i < batch.num_columns(); ++i) {
    const Column& c = batch.column(i);
    const Chunk a = EncodeAll(c, always);
    const Chunk b = EncodeAll(c, never);
    EXPECT_EQ(a.info.dictionary_encoded, c.type() != ColumnType::kBool) << c.name();
    EXPECT_FALSE(b.info.dictionary_encoded);
    EXPECT_EQ(a.info.statistics.null_count, b.info.statistics.null_count) << c.name();
    EXPECT_EQ(a.info.statistics.min_value, b.info.statistics.min_value) << c.name();
    EXPECT_EQ(a.info.statistics.max_value, b.info.statistics.max_value) << c.name();
    EXPECT_TRUE(a.info.statistics.has_min_max) << c.name();
  }
}

TEST(ColumnChunkEncoder, SubRangeStartsAtTheRightValue) {
  // Nulls before `begin` must not shift the values: rows 10..19 hold 10..19.
  Column c("i", ColumnType::kInt64);
  for (std::int64_t r = 0; r < 30; ++r) {
    if (r < 10 && r % 2 == 0) {
      c.AppendNull();
    } else {
      c.AppendInt(r);
    }
  }
  const Chunk chunk = Encode(&c, ColumnType::kInt64, 10, 20, WriterOptions{});
  std::int64_t lo, hi;
  std::memcpy(&lo, chunk.info.statistics.min_value.data(), 8);
  std::memcpy(&hi, chunk.info.statistics.max_value.data(), 8);
  EXPECT_EQ(lo, 10);
  EXPECT_EQ(hi, 19);
}

TEST(ColumnChunkEncoder, EveryCodecIsRecorded) {
  for (Codec codec : {Codec::kZstd, Codec::kSnappy, Codec::kLz4Raw, Codec::kUncompressed}) {
    WriterOptions options;
    options.codec = codec;
    const Chunk chunk = EncodeAll(Strings(5000, 5000), options);
    EXPECT_EQ(chunk.info.codec, codec);
    if (codec == Codec::kUncompressed) {
      EXPECT_EQ(chunk.info.compressed_bytes, chunk.info.uncompressed_bytes);
    } else {
      EXPECT_LT(chunk.info.compressed_bytes, chunk.info.uncompressed_bytes) << CodecName(codec);
    }
  }
}

}  // namespace
}  // namespace ingot::parquet
