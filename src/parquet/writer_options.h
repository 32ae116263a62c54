// WriterOptions: the knobs of the Parquet writer. The defaults were chosen by measurement on the
// gen_logs data set; docs/parquet.md has the numbers behind each one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "parquet/codec.h"

namespace ingot::parquet {

// When column chunks use a dictionary (the rule is in column_chunk_encoder.h).
enum class DictionaryMode : std::uint8_t {
  kAuto,    // where it pays
  kNever,   // always PLAIN
  kAlways,  // whenever the dictionary stays within dictionary_bytes_limit (tests, measurements)
};

struct WriterOptions {
  Codec codec = Codec::kZstd;
  // zstd level 1 is within 1% of level 3 in size on log data and ~1.8x faster (docs/parquet.md).
  int zstd_level = 1;

  // Target size of a data page before compression. Pages close at the first row past it, so a
  // single huge value still makes a (larger) page of its own.
  std::size_t data_page_bytes = 1 << 20;

  // A row group holds at most this many rows, and at most about this many bytes of column data
  // (estimated from the batch's average row size, before encoding). WriteBatch splits a batch
  // into equal row groups that respect both.
  std::size_t row_group_rows = 128 * 1024;
  std::size_t row_group_bytes = 64 << 20;

  DictionaryMode dictionary = DictionaryMode::kAuto;
  // A column chunk whose dictionary (PLAIN-encoded) would pass this size is written PLAIN.
  std::size_t dictionary_bytes_limit = 1 << 20;

  // FileMetaData.created_by, "<application> version <version>" as the specification suggests.
  std::string created_by = "ingot version 0.1.0";

  // Copied into FileMetaData.key_value_metadata, in order.
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

}  // namespace ingot::parquet
