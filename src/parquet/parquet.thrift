// The part of the Parquet metadata that ingot writes, in Thrift IDL.
//
// Written from the Parquet format specification (apache/parquet-format, parquet.thrift): every
// field keeps the id and type the specification gives it, so files written with these structs are
// read by any Parquet reader. Fields and structs we never write are left out; a reader of our
// files that meets one (e.g. a test decoding a foreign footer) skips it, as Thrift does for any
// unknown field. Enum values we never write are left out as well.
//
// The C++ classes are generated at build time (see CMakeLists.txt) into namespace
// ingot::parquet::format.

namespace cpp ingot.parquet.format

// Physical types.
enum Type {
  BOOLEAN = 0;
  INT32 = 1;
  INT64 = 2;
  INT96 = 3;
  FLOAT = 4;
  DOUBLE = 5;
  BYTE_ARRAY = 6;
  FIXED_LEN_BYTE_ARRAY = 7;
}

// Legacy annotations; still written next to the logical type for old readers.
enum ConvertedType {
  UTF8 = 0;
  TIMESTAMP_MILLIS = 9;
  TIMESTAMP_MICROS = 10;
}

enum FieldRepetitionType {
  REQUIRED = 0;
  OPTIONAL = 1;
  REPEATED = 2;
}

// Column chunk (and page) statistics. Values are PLAIN-encoded, byte arrays without their length.
struct Statistics {
  1: optional binary max;  // legacy, signed order; we do not write it
  2: optional binary min;  // legacy, signed order; we do not write it
  3: optional i64 null_count;
  4: optional i64 distinct_count;
  5: optional binary max_value;
  6: optional binary min_value;
  7: optional bool is_max_value_exact;
  8: optional bool is_min_value_exact;
  9: optional i64 nan_count;
}

struct StringType {}
struct MilliSeconds {}
struct MicroSeconds {}
struct NanoSeconds {}

union TimeUnit {
  1: MilliSeconds MILLIS
  2: MicroSeconds MICROS
  3: NanoSeconds NANOS
}

struct TimestampType {
  1: required bool isAdjustedToUTC
  2: required TimeUnit unit
}

union LogicalType {
  1: StringType STRING
  8: TimestampType TIMESTAMP
}

struct SchemaElement {
  1: optional Type type;
  2: optional i32 type_length;
  3: optional FieldRepetitionType repetition_type;
  4: required string name;
  5: optional i32 num_children;
  6: optional ConvertedType converted_type;
  7: optional i32 scale
  8: optional i32 precision
  9: optional i32 field_id;
  10: optional LogicalType logicalType
}

enum Encoding {
  PLAIN = 0;
  PLAIN_DICTIONARY = 2;
  RLE = 3;
  BIT_PACKED = 4;
  DELTA_BINARY_PACKED = 5;
  DELTA_LENGTH_BYTE_ARRAY = 6;
  DELTA_BYTE_ARRAY = 7;
  RLE_DICTIONARY = 8;
  BYTE_STREAM_SPLIT = 9;
}

enum CompressionCodec {
  UNCOMPRESSED = 0;
  SNAPPY = 1;
  GZIP = 2;
  LZO = 3;
  BROTLI = 4;
  LZ4 = 5;
  ZSTD = 6;
  LZ4_RAW = 7;
}

enum PageType {
  DATA_PAGE = 0;
  INDEX_PAGE = 1;
  DICTIONARY_PAGE = 2;
  DATA_PAGE_V2 = 3;
}

struct DataPageHeader {
  1: required i32 num_values  // rows of the page, nulls included
  2: required Encoding encoding
  3: required Encoding definition_level_encoding;
  4: required Encoding repetition_level_encoding;
  5: optional Statistics statistics;
}

struct DictionaryPageHeader {
  1: required i32 num_values;
  2: required Encoding encoding
  3: optional bool is_sorted;
}

struct PageHeader {
  1: required PageType type
  2: required i32 uncompressed_page_size  // page body, header excluded
  3: required i32 compressed_page_size    // page body, header excluded
  4: optional i32 crc
  5: optional DataPageHeader data_page_header;
  7: optional DictionaryPageHeader dictionary_page_header;
}

struct KeyValue {
  1: required string key
  2: optional string value
}

struct PageEncodingStats {
  1: required PageType page_type;
  2: required Encoding encoding;
  3: required i32 count;
}

struct ColumnMetaData {
  1: required Type type
  2: required list<Encoding> encodings
  3: required list<string> path_in_schema
  4: required CompressionCodec codec
  5: required i64 num_values                // rows of the chunk, nulls included
  6: required i64 total_uncompressed_size   // all pages, headers included
  7: required i64 total_compressed_size     // all pages, headers included
  8: optional list<KeyValue> key_value_metadata
  9: required i64 data_page_offset          // absolute file offset of the first data page
  10: optional i64 index_page_offset
  11: optional i64 dictionary_page_offset   // absolute file offset of the dictionary page
  12: optional Statistics statistics;
  13: optional list<PageEncodingStats> encoding_stats;
}

struct ColumnChunk {
  1: optional string file_path
  2: required i64 file_offset = 0  // deprecated; the specification asks writers for 0
  3: optional ColumnMetaData meta_data
}

struct RowGroup {
  1: required list<ColumnChunk> columns
  2: required i64 total_byte_size           // uncompressed column data
  3: required i64 num_rows
  5: optional i64 file_offset               // first page of the row group
  6: optional i64 total_compressed_size
  7: optional i16 ordinal
}

struct TypeDefinedOrder {}

union ColumnOrder {
  1: TypeDefinedOrder TYPE_ORDER;
}

struct FileMetaData {
  1: required i32 version
  2: required list<SchemaElement> schema;
  3: required i64 num_rows
  4: required list<RowGroup> row_groups
  5: optional list<KeyValue> key_value_metadata
  6: optional string created_by
  7: optional list<ColumnOrder> column_orders;
}
