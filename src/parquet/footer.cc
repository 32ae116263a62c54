#include "parquet/footer.h"

#include <string>

#include "parquet/thrift_io.h"

namespace ingot::parquet {
namespace {

using model::ColumnType;

format::Type::type PhysicalType(ColumnType t) {
  switch (t) {
    case ColumnType::kBool: return format::Type::BOOLEAN;
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: return format::Type::INT64;
    case ColumnType::kFloat64: return format::Type::DOUBLE;
    case ColumnType::kString: return format::Type::BYTE_ARRAY;
  }
  return format::Type::BYTE_ARRAY;
}

format::CompressionCodec::type CodecOf(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return format::CompressionCodec::UNCOMPRESSED;
    case Codec::kSnappy: return format::CompressionCodec::SNAPPY;
    case Codec::kLz4Raw: return format::CompressionCodec::LZ4_RAW;
    case Codec::kZstd: return format::CompressionCodec::ZSTD;
  }
  return format::CompressionCodec::UNCOMPRESSED;
}

format::SchemaElement Leaf(const std::string& name, ColumnType type) {
  format::SchemaElement e;
  e.__set_name(name);
  e.__set_type(PhysicalType(type));
  e.__set_repetition_type(format::FieldRepetitionType::OPTIONAL);
  // The logical type is what current readers use; the converted type is what the specification
  // asks writers to add for readers that predate logical types.
  if (type == ColumnType::kString) {
    format::LogicalType logical;
    logical.__set_STRING(format::StringType());
    e.__set_logicalType(logical);
    e.__set_converted_type(format::ConvertedType::UTF8);
  } else if (type == ColumnType::kTimestamp) {
    format::TimeUnit unit;
    unit.__set_MICROS(format::MicroSeconds());
    format::TimestampType timestamp;
    timestamp.__set_isAdjustedToUTC(true);
    timestamp.__set_unit(unit);
    format::LogicalType logical;
    logical.__set_TIMESTAMP(timestamp);
    e.__set_logicalType(logical);
    e.__set_converted_type(format::ConvertedType::TIMESTAMP_MICROS);
  }
  return e;
}

format::Statistics StatisticsOf(const ColumnStatistics& s) {
  format::Statistics t;
  t.__set_null_count(s.null_count);
  if (s.has_min_max) {
    t.__set_min_value(s.min_value);
    t.__set_max_value(s.max_value);
    t.__set_is_min_value_exact(s.min_exact);
    t.__set_is_max_value_exact(s.max_exact);
  }
  if (s.has_nan_count) t.__set_nan_count(s.nan_count);
  return t;
}

format::ColumnChunk ChunkOf(const std::string& name, const ColumnChunkInfo& c) {
  format::ColumnMetaData m;
  m.__set_type(PhysicalType(c.type));
  // Sorted by enum value: PLAIN (values, or the dictionary page), RLE (definition levels),
  // RLE_DICTIONARY (dictionary ids).
  std::vector<format::Encoding::type> encodings = {format::Encoding::PLAIN, format::Encoding::RLE};
  if (c.dictionary_encoded) encodings.push_back(format::Encoding::RLE_DICTIONARY);
  m.__set_encodings(encodings);
  m.__set_path_in_schema({name});
  m.__set_codec(CodecOf(c.codec));
  m.__set_num_values(c.num_values);
  m.__set_total_uncompressed_size(c.uncompressed_bytes);
  m.__set_total_compressed_size(c.compressed_bytes);
  m.__set_data_page_offset(c.data_page_offset);
  if (c.dictionary_page_offset >= 0) m.__set_dictionary_page_offset(c.dictionary_page_offset);
  m.__set_statistics(StatisticsOf(c.statistics));

  std::vector<format::PageEncodingStats> pages;
  if (c.dictionary_encoded) {
    format::PageEncodingStats dictionary;
    dictionary.__set_page_type(format::PageType::DICTIONARY_PAGE);
    dictionary.__set_encoding(format::Encoding::PLAIN);
    dictionary.__set_count(1);
    pages.push_back(dictionary);
  }
  format::PageEncodingStats data;
  data.__set_page_type(format::PageType::DATA_PAGE);
  data.__set_encoding(c.dictionary_encoded ? format::Encoding::RLE_DICTIONARY
                                           : format::Encoding::PLAIN);
  data.__set_count(c.data_pages);
  pages.push_back(data);
  m.__set_encoding_stats(pages);

  format::ColumnChunk chunk;
  chunk.__set_file_offset(0);  // deprecated; the specification asks for 0
  chunk.__set_meta_data(m);
  return chunk;
}

std::vector<format::KeyValue> KeyValues(const WriterOptions& options) {
  std::vector<format::KeyValue> out;
  out.reserve(options.key_value_metadata.size());
  for (const auto& [key, value] : options.key_value_metadata) {
    format::KeyValue kv;
    kv.__set_key(key);
    kv.__set_value(value);
    out.push_back(std::move(kv));
  }
  return out;
}

}  // namespace

Status AppendFileMetaData(const FileSchema& schema, const WriterOptions& options,
                          std::span<const PlacedRowGroup> row_groups, ByteBuffer* out) {
  format::FileMetaData file;
  // Version 1 is what the specification recommends for the widest compatibility.
  file.__set_version(1);

  std::vector<format::SchemaElement> elements;
  elements.reserve(schema.columns.size() + 1);
  format::SchemaElement root;
  root.__set_name("schema");
  root.__set_num_children(static_cast<std::int32_t>(schema.columns.size()));
  elements.push_back(std::move(root));
  for (const auto& [name, type] : schema.columns) elements.push_back(Leaf(name, type));
  file.__set_schema(std::move(elements));

  std::int64_t total_rows = 0;
  std::vector<format::RowGroup> groups;
  groups.reserve(row_groups.size());
  for (std::size_t g = 0; g < row_groups.size(); ++g) {
    const PlacedRowGroup& placed = row_groups[g];
    format::RowGroup group;
    std::vector<format::ColumnChunk> chunks;
    chunks.reserve(placed.columns.size());
    std::int64_t uncompressed = 0, compressed = 0;
    for (std::size_t i = 0; i < placed.columns.size(); ++i) {
      chunks.push_back(ChunkOf(schema.columns[i].first, placed.columns[i]));
      uncompressed += placed.columns[i].uncompressed_bytes;
      compressed += placed.columns[i].compressed_bytes;
    }
    group.__set_columns(std::move(chunks));
    group.__set_total_byte_size(uncompressed);
    group.__set_num_rows(placed.num_rows);
    group.__set_file_offset(placed.file_offset);
    group.__set_total_compressed_size(compressed);
    // The ordinal is an i16; files with more row groups simply leave it out.
    if (g <= 32767) group.__set_ordinal(static_cast<std::int16_t>(g));
    groups.push_back(std::move(group));
    total_rows += placed.num_rows;
  }
  file.__set_num_rows(total_rows);
  file.__set_row_groups(std::move(groups));
  if (!options.key_value_metadata.empty()) file.__set_key_value_metadata(KeyValues(options));
  file.__set_created_by(options.created_by);
  file.__set_column_orders(std::vector<format::ColumnOrder>(schema.columns.size(), [] {
    format::ColumnOrder order;
    order.__set_TYPE_ORDER(format::TypeDefinedOrder());
    return order;
  }()));
  return internal::AppendThrift(file, out);
}

}  // namespace ingot::parquet
