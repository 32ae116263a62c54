#include "parquet/file_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "parquet/test_data.h"
#include "parquet/test_reader.h"
#include "parquet/thrift_io.h"
#include "parquet/write_batch.h"

namespace ingot::parquet {
namespace {

using model::ColumnType;

std::string Write(const model::RecordBatch& batch, const WriterOptions& options = {}) {
  StringOutputStream out;
  Status st = WriteBatch(batch, options, out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.contents();
}

format::FileMetaData Footer(const std::string& file) {
  Result<format::FileMetaData> meta = testing::ReadFileMetaData(file);
  EXPECT_TRUE(meta.ok()) << meta.status().ToString();
  return meta.ok() ? meta.value() : format::FileMetaData{};
}

TEST(FileWriter, FileHasMagicFooterAndLength) {
  const std::string file = Write(testing::MixedBatch(100));
  ASSERT_GT(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  std::uint32_t length;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  format::FileMetaData meta;
  std::uint32_t consumed = 0;
  ASSERT_TRUE(internal::ReadThrift(std::string_view(file).substr(file.size() - 8 - length, length),
                                   &meta, &consumed)
                  .ok());
  EXPECT_EQ(consumed, length);
  EXPECT_EQ(meta.num_rows, 100);
}

TEST(FileWriter, SchemaCarriesPhysicalAndLogicalTypes) {
  const format::FileMetaData meta = Footer(Write(testing::MixedBatch(10)));
  ASSERT_EQ(meta.schema.size(), 7u);
  EXPECT_EQ(meta.version, 1);
  const format::SchemaElement& root = meta.schema[0];
  EXPECT_EQ(root.num_children, 6);
  EXPECT_FALSE(root.__isset.type);
  EXPECT_FALSE(root.__isset.repetition_type);
  for (std::size_t i = 1; i < meta.schema.size(); ++i) {
    EXPECT_EQ(meta.schema[i].repetition_type, format::FieldRepetitionType::OPTIONAL);
    EXPECT_FALSE(meta.schema[i].__isset.num_children);
  }

  const format::SchemaElement& ts = meta.schema[1];
  EXPECT_EQ(ts.name, "_timestamp");
  EXPECT_EQ(ts.type, format::Type::INT64);
  ASSERT_TRUE(ts.__isset.logicalType && ts.logicalType.__isset.TIMESTAMP);
  EXPECT_TRUE(ts.logicalType.TIMESTAMP.isAdjustedToUTC);
  EXPECT_TRUE(ts.logicalType.TIMESTAMP.unit.__isset.MICROS);
  EXPECT_EQ(ts.converted_type, format::ConvertedType::TIMESTAMP_MICROS);

  const format::SchemaElement& level = meta.schema[2];
  EXPECT_EQ(level.type, format::Type::BYTE_ARRAY);
  ASSERT_TRUE(level.__isset.logicalType);
  EXPECT_TRUE(level.logicalType.__isset.STRING);
  EXPECT_EQ(level.converted_type, format::ConvertedType::UTF8);

  EXPECT_EQ(meta.schema[4].type, format::Type::INT64);
  EXPECT_FALSE(meta.schema[4].__isset.logicalType);
  EXPECT_FALSE(meta.schema[4].__isset.converted_type);
  EXPECT_EQ(meta.schema[5].type, format::Type::DOUBLE);
  EXPECT_EQ(meta.schema[6].type, format::Type::BOOLEAN);

  ASSERT_EQ(meta.column_orders.size(), 6u);
  for (const auto& order : meta.column_orders) EXPECT_TRUE(order.__isset.TYPE_ORDER);
}

TEST(FileWriter, ColumnMetaDataIsComplete) {
  WriterOptions options;
  options.key_value_metadata = {{"ingot.stream", "app"}, {"k", ""}};
  const std::string file = Write(testing::MixedBatch(2000), options);
  const format::FileMetaData meta = Footer(file);
  EXPECT_EQ(meta.created_by, "ingot version 0.1.0");
  ASSERT_EQ(meta.key_value_metadata.size(), 2u);
  EXPECT_EQ(meta.key_value_metadata[0].key, "ingot.stream");
  EXPECT_EQ(meta.key_value_metadata[0].value, "app");
  EXPECT_EQ(meta.key_value_metadata[1].value, "");
  ASSERT_EQ(meta.row_groups.size(), 1u);

  const format::RowGroup& group = meta.row_groups[0];
  EXPECT_EQ(group.num_rows, 2000);
  EXPECT_EQ(group.file_offset, 4);
  EXPECT_EQ(group.ordinal, 0);
  std::int64_t expected_offset = 4, compressed = 0, uncompressed = 0;
  for (std::size_t i = 0; i < group.columns.size(); ++i) {
    const format::ColumnChunk& chunk = group.columns[i];
    const format::ColumnMetaData& m = chunk.meta_data;
    SCOPED_TRACE(meta.schema[i + 1].name);
    EXPECT_EQ(chunk.file_offset, 0);
    EXPECT_FALSE(chunk.__isset.file_path);
    EXPECT_EQ(m.path_in_schema, std::vector<std::string>{meta.schema[i + 1].name});
    EXPECT_EQ(m.type, meta.schema[i + 1].type);
    EXPECT_EQ(m.codec, format::CompressionCodec::ZSTD);
    EXPECT_EQ(m.num_values, 2000);
    // Chunks follow each other; each starts with its dictionary page if it has one.
    const std::int64_t start =
        m.__isset.dictionary_page_offset ? m.dictionary_page_offset : m.data_page_offset;
    EXPECT_EQ(start, expected_offset);
    expected_offset += m.total_compressed_size;
    compressed += m.total_compressed_size;
    uncompressed += m.total_uncompressed_size;

    // The offsets point at page headers of the right kind.
    format::PageHeader header;
    ASSERT_TRUE(
        internal::ReadThrift(std::string_view(file).substr(m.data_page_offset), &header).ok());
    EXPECT_EQ(header.type, format::PageType::DATA_PAGE);
    const bool dictionary = m.__isset.dictionary_page_offset;
    if (dictionary) {
      ASSERT_TRUE(
          internal::ReadThrift(std::string_view(file).substr(m.dictionary_page_offset), &header)
              .ok());
      EXPECT_EQ(header.type, format::PageType::DICTIONARY_PAGE);
      EXPECT_EQ(m.encodings,
                (std::vector<format::Encoding::type>{format::Encoding::PLAIN, format::Encoding::RLE,
                                                     format::Encoding::RLE_DICTIONARY}));
      ASSERT_EQ(m.encoding_stats.size(), 2u);
      EXPECT_EQ(m.encoding_stats[0].page_type, format::PageType::DICTIONARY_PAGE);
      EXPECT_EQ(m.encoding_stats[1].encoding, format::Encoding::RLE_DICTIONARY);
    } else {
      EXPECT_EQ(m.encodings, (std::vector<format::Encoding::type>{format::Encoding::PLAIN,
                                                                  format::Encoding::RLE}));
      ASSERT_EQ(m.encoding_stats.size(), 1u);
      EXPECT_EQ(m.encoding_stats[0].encoding, format::Encoding::PLAIN);
      EXPECT_EQ(m.encoding_stats[0].count, 1);
    }
    ASSERT_TRUE(m.__isset.statistics);
    EXPECT_TRUE(m.statistics.__isset.null_count);
    EXPECT_FALSE(m.statistics.__isset.min);  // the legacy signed fields stay empty
    EXPECT_FALSE(m.statistics.__isset.max);
    EXPECT_TRUE(m.statistics.__isset.min_value && m.statistics.__isset.max_value);
  }
  EXPECT_EQ(group.total_compressed_size, compressed);
  EXPECT_EQ(group.total_byte_size, uncompressed);
  // The footer starts right after the last chunk.
  std::uint32_t length;
  std::memcpy(&length, file.data() + file.size() - 8, 4);
  EXPECT_EQ(static_cast<std::size_t>(expected_offset), file.size() - 8 - length);

  // level: dictionary of 4; message: unique, PLAIN.
  EXPECT_TRUE(group.columns[1].meta_data.__isset.dictionary_page_offset);
  EXPECT_FALSE(group.columns[2].meta_data.__isset.dictionary_page_offset);
}

TEST(FileWriter, StatisticsInTheFooter) {
  const format::FileMetaData meta = Footer(Write(testing::MixedBatch(300)));
  const auto& columns = meta.row_groups[0].columns;
  auto int_of = [](const std::string& s) {
    std::int64_t v;
    std::memcpy(&v, s.data(), 8);
    return v;
  };
  // _timestamp: never null.
  EXPECT_EQ(columns[0].meta_data.statistics.null_count, 0);
  EXPECT_EQ(int_of(columns[0].meta_data.statistics.min_value), 1'700'000'000'000'000);
  EXPECT_EQ(int_of(columns[0].meta_data.statistics.max_value), 1'700'000'000'000'000 + 299'000);
  // level: null where r % 3 == 1.
  EXPECT_EQ(columns[1].meta_data.statistics.null_count, 100);
  EXPECT_EQ(columns[1].meta_data.statistics.min_value, "DEBUG");
  EXPECT_EQ(columns[1].meta_data.statistics.max_value, "WARN");
  // count: negative values (multiples of 7) sort first under signed order.
  EXPECT_LT(int_of(columns[3].meta_data.statistics.min_value), 0);
  // ratio: doubles carry nan_count.
  EXPECT_TRUE(columns[4].meta_data.statistics.__isset.nan_count);
  EXPECT_EQ(columns[4].meta_data.statistics.nan_count, 0);
}

TEST(FileWriter, ValuesRoundTrip) {
  for (Codec codec : {Codec::kZstd, Codec::kSnappy, Codec::kLz4Raw, Codec::kUncompressed}) {
    for (DictionaryMode mode :
         {DictionaryMode::kAuto, DictionaryMode::kNever, DictionaryMode::kAlways}) {
      const model::RecordBatch batch = testing::MixedBatch(5000);
      WriterOptions options;
      options.codec = codec;
      options.dictionary = mode;
      options.data_page_bytes = 4096;  // many pages
      options.row_group_rows = 1500;   // several row groups
      const std::string file = Write(batch, options);
      Result<model::RecordBatch> back = testing::ReadFile(file);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      testing::ExpectSameRows(batch, back.value());
      EXPECT_EQ(Footer(file).row_groups.size(), 4u);
    }
  }
}

TEST(FileWriter, RowGroupsAreEqualAndBounded) {
  const model::RecordBatch batch = testing::MixedBatch(2500);
  WriterOptions options;
  options.row_group_rows = 1000;
  const std::vector<RowRange> ranges = PlanRowGroups(batch, options);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].end - ranges[0].begin, 834u);
  EXPECT_EQ(ranges[1].end - ranges[1].begin, 833u);
  EXPECT_EQ(ranges[2].end, 2500u);

  const format::FileMetaData meta = Footer(Write(batch, options));
  ASSERT_EQ(meta.row_groups.size(), 3u);
  EXPECT_EQ(meta.num_rows, 2500);
  for (std::size_t g = 0; g < 3; ++g) EXPECT_EQ(meta.row_groups[g].ordinal, static_cast<int>(g));
  EXPECT_EQ(meta.row_groups[1].file_offset,
            meta.row_groups[0].file_offset + meta.row_groups[0].total_compressed_size);

  // The byte bound splits too: ~40 bytes a row, 20,000 bytes a group.
  options.row_group_rows = 1 << 20;
  options.row_group_bytes = 20000;
  EXPECT_GE(PlanRowGroups(batch, options).size(), 4u);
  EXPECT_TRUE(PlanRowGroups(model::RecordBatch(), options).empty());
}

TEST(FileWriter, SchemaColumnMissingFromTheBatchIsAllNull) {
  const model::RecordBatch batch = testing::MixedBatch(100);
  FileSchema schema = FileSchema::Of(batch);
  schema.columns.insert(schema.columns.begin() + 1, {"absent", ColumnType::kString});
  StringOutputStream out;
  FileWriter writer(out, schema, WriterOptions{});
  Result<EncodedRowGroup> group = EncodeRowGroup(batch, 0, 100, schema, WriterOptions{});
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  ASSERT_TRUE(writer.AppendRowGroup(std::move(group.value())).ok());
  ASSERT_TRUE(writer.Close().ok());

  Result<model::RecordBatch> back = testing::ReadFile(out.contents());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->num_columns(), 7u);
  EXPECT_EQ(back->column(1).name(), "absent");
  EXPECT_EQ(back->column(1).value_count(), 0u);
  EXPECT_EQ(back->column(1).rows(), 100u);
  EXPECT_EQ(back->column(2).string_at(0), "INFO");
  const format::FileMetaData meta = Footer(out.contents());
  const format::Statistics& stats = meta.row_groups[0].columns[1].meta_data.statistics;
  EXPECT_EQ(stats.null_count, 100);
  EXPECT_FALSE(stats.__isset.min_value);
  EXPECT_FALSE(stats.__isset.max_value);
}

TEST(FileWriter, RejectsBatchesThatDoNotMatchTheSchema) {
  const model::RecordBatch batch = testing::MixedBatch(10);
  FileSchema wrong_type = FileSchema::Of(batch);
  wrong_type.columns[3].second = ColumnType::kFloat64;
  Result<EncodedRowGroup> a = EncodeRowGroup(batch, 0, 10, wrong_type, WriterOptions{});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidInput);
  EXPECT_NE(a.status().message().find("count"), std::string::npos);

  FileSchema missing = FileSchema::Of(batch);
  missing.columns.pop_back();
  Result<EncodedRowGroup> b = EncodeRowGroup(batch, 0, 10, missing, WriterOptions{});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("'ok' is not in the file schema"), std::string::npos);

  FileSchema duplicate = FileSchema::Of(batch);
  duplicate.columns.push_back(duplicate.columns[0]);
  EXPECT_FALSE(EncodeRowGroup(batch, 0, 10, duplicate, WriterOptions{}).ok());

  EXPECT_FALSE(EncodeRowGroup(batch, 5, 5, FileSchema::Of(batch), WriterOptions{}).ok());
  EXPECT_FALSE(EncodeRowGroup(batch, 0, 11, FileSchema::Of(batch), WriterOptions{}).ok());

  // A row group encoded with another codec than the file's.
  StringOutputStream out;
  FileWriter writer(out, FileSchema::Of(batch), WriterOptions{});
  WriterOptions snappy;
  snappy.codec = Codec::kSnappy;
  Result<EncodedRowGroup> c = EncodeRowGroup(batch, 0, 10, FileSchema::Of(batch), snappy);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(writer.AppendRowGroup(std::move(c.value())).ok());
}

class FailingStream final : public OutputStream {
 public:
  Status Write(const void*, std::size_t n) override {
    if (++writes_ > 1) return Status::IoError("disk full");
    bytes_ += n;
    return Status::Ok();
  }
  int writes_ = 0;
  std::size_t bytes_ = 0;
};

TEST(FileWriter, WriteErrorsAreSticky) {
  const model::RecordBatch batch = testing::MixedBatch(10);
  const FileSchema schema = FileSchema::Of(batch);
  FailingStream out;
  FileWriter writer(out, schema, WriterOptions{});
  Result<EncodedRowGroup> group = EncodeRowGroup(batch, 0, 10, schema, WriterOptions{});
  ASSERT_TRUE(group.ok());
  Status st = writer.AppendRowGroup(std::move(group.value()));  // magic ok, pages fail
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  Result<EncodedRowGroup> again = EncodeRowGroup(batch, 0, 10, schema, WriterOptions{});
  EXPECT_EQ(writer.AppendRowGroup(std::move(again.value())).code(), StatusCode::kIoError);
  EXPECT_EQ(writer.Close().code(), StatusCode::kIoError);
  EXPECT_EQ(out.writes_, 2);  // nothing was attempted after the failure
  EXPECT_EQ(writer.bytes_written(), 4u);
}

TEST(FileWriter, EmptyFileIsValid) {
  model::RecordBatch batch;
  batch.AddColumn("_timestamp", ColumnType::kTimestamp);
  const std::string file = Write(batch);
  const format::FileMetaData meta = Footer(file);
  EXPECT_EQ(meta.num_rows, 0);
  EXPECT_TRUE(meta.row_groups.empty());
  EXPECT_EQ(meta.schema.size(), 2u);
}

TEST(FileWriter, CloseTwiceFails) {
  StringOutputStream out;
  FileWriter writer(out, FileSchema{}, WriterOptions{});
  EXPECT_TRUE(writer.Close().ok());
  EXPECT_FALSE(writer.Close().ok());
}

TEST(FileWriter, RowGroupsEncodedOnThreadsGiveTheSameFile) {
  const model::RecordBatch batch = testing::MixedBatch(20000);
  WriterOptions options;
  options.row_group_rows = 3000;
  const std::string sequential = Write(batch, options);

  const FileSchema schema = FileSchema::Of(batch);
  const std::vector<RowRange> ranges = PlanRowGroups(batch, options);
  std::vector<std::optional<Result<EncodedRowGroup>>> groups(ranges.size());
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t g = static_cast<std::size_t>(t); g < ranges.size(); g += 3) {
        groups[g].emplace(EncodeRowGroup(batch, ranges[g].begin, ranges[g].end, schema, options));
      }
    });
  }
  for (auto& th : threads) th.join();
  StringOutputStream out;
  FileWriter writer(out, schema, options);
  for (auto& g : groups) {
    ASSERT_TRUE(g->ok());
    ASSERT_TRUE(writer.AppendRowGroup(std::move(g->value())).ok());
  }
  ASSERT_TRUE(writer.Close().ok());
  EXPECT_EQ(out.contents(), sequential);
  EXPECT_EQ(writer.num_rows(), 20000);
  EXPECT_EQ(writer.num_row_groups(), ranges.size());
}

}  // namespace
}  // namespace ingot::parquet
