#include "parquet/column_chunk_encoder.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "parquet/codec.h"
#include "parquet/dictionary.h"
#include "parquet/plain_encoder.h"
#include "parquet/rle_encoder.h"
#include "parquet/statistics.h"
#include "parquet/thrift_io.h"

namespace ingot::parquet {
namespace {

using model::ColumnType;

// First cardinality checkpoint of a dictionary attempt, in values; later ones double.
constexpr std::size_t kFirstCheckpoint = 4096;

// Buffers reused by every chunk a thread encodes.
struct Scratch {
  ByteBuffer page;
  ByteBuffer compressed;
  std::vector<std::uint32_t> ids;
  std::vector<std::uint8_t> zeros;  // definition levels of a column the batch lacks
  std::vector<std::uint8_t> ones;   // definition levels of a column with a value in every row
  FixedDictionary fixed;
  ByteArrayDictionary strings;
};

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// The rows of one chunk and its non-null values, as views into the column.
struct ChunkView {
  ColumnType type = ColumnType::kInt64;
  std::span<const std::uint8_t> defined;  // one byte per row
  std::size_t values = 0;                 // non-null values
  std::span<const std::int64_t> ints;
  std::span<const double> doubles;
  std::span<const std::uint8_t> bools;
  std::span<const std::uint32_t> offsets;  // values + 1 entries
  const char* bytes = nullptr;
};

std::size_t CountDefined(std::span<const std::uint8_t> defined) {
  // Definition bytes are 0 or 1, so one multiply sums eight of them into the top byte. This runs
  // over the whole batch prefix for every row group, so it has to be fast.
  const std::uint8_t* p = defined.data();
  const std::size_t size = defined.size();
  std::size_t n = 0, i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    n += static_cast<std::size_t>((word * 0x0101010101010101ull) >> 56);
  }
  for (; i < size; ++i) n += p[i];
  return n;
}

ChunkView ViewChunk(const model::Column* column, ColumnType type, std::size_t begin,
                    std::size_t end, Scratch& s) {
  ChunkView v;
  v.type = type;
  const std::size_t rows = end - begin;
  if (column == nullptr) {
    if (s.zeros.size() < rows) s.zeros.resize(rows, 0);
    v.defined = std::span<const std::uint8_t>(s.zeros).first(rows);
    return v;
  }
  std::size_t first = begin;
  if (column->all_defined()) {
    if (s.ones.size() < rows) s.ones.resize(rows, 1);
    v.defined = std::span<const std::uint8_t>(s.ones).first(rows);
    v.values = rows;
  } else {
    const std::span<const std::uint8_t> all = column->definition_bytes();
    first = CountDefined(all.first(begin));
    v.defined = all.subspan(begin, rows);
    v.values = CountDefined(v.defined);
  }
  switch (type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      v.ints = std::span<const std::int64_t>(column->ints()).subspan(first, v.values);
      break;
    case ColumnType::kFloat64:
      v.doubles = std::span<const double>(column->doubles()).subspan(first, v.values);
      break;
    case ColumnType::kBool:
      v.bools = std::span<const std::uint8_t>(column->bools()).subspan(first, v.values);
      break;
    case ColumnType::kString:
      v.offsets = std::span<const std::uint32_t>(column->offsets()).subspan(first, v.values + 1);
      v.bytes = column->bytes().data();
      break;
  }
  return v;
}

// Bytes a dictionary-encoded chunk of n values takes before compression: the PLAIN dictionary
// page plus the bit-packed ids.
double DictionaryEncodedBytes(double dictionary_bytes, double entries, std::size_t n) {
  const double max_id = std::clamp(entries - 1, 0.0, 4294967295.0);
  const int bit_width = BitWidthFor(static_cast<std::uint32_t>(max_id));
  return dictionary_bytes + static_cast<double>(n) * bit_width / 8.0;
}

// Looks every value up in `dict`, filling ids. False when the attempt was abandoned (see the rule
// in the header); the caller then writes the chunk PLAIN. `plain_bytes` is the PLAIN size of all
// n values.
template <typename Dictionary, typename KeyAt>
bool BuildDictionary(Dictionary& dict, std::size_t n, KeyAt&& key_at, std::size_t plain_bytes,
                     const WriterOptions& options, std::vector<std::uint32_t>& ids) {
  dict.Clear();
  if (ids.size() < n) ids.resize(n);
  const bool check_cardinality = options.dictionary == DictionaryMode::kAuto;
  std::size_t checkpoint = kFirstCheckpoint;
  std::size_t previous_checkpoint = 0;
  std::size_t previous_size = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t size_before = dict.size();
    ids[i] = dict.Insert(key_at(i));
    if (dict.size() != size_before && dict.plain_bytes() > options.dictionary_bytes_limit) {
      return false;
    }
    if (i + 1 != checkpoint) continue;
    const auto interval = static_cast<double>(checkpoint - previous_checkpoint);
    const auto added = static_cast<double>(dict.size() - previous_size);
    if (check_cardinality) {
      // Nearly every value new: a key-like column (ids, messages, request ids).
      if (added > 0.9 * interval) return false;
      // From the second checkpoint on: if new values kept coming at the last interval's rate,
      // would the dictionary still pay? Columns with few distinct values see the rate fall and
      // pass; steadily growing ones (timestamps) stop here instead of being hashed to the end.
      if (previous_checkpoint > 0) {
        const double rate = added / interval;
        const auto remaining = static_cast<double>(n - checkpoint);
        const double entries = static_cast<double>(dict.size()) + rate * remaining;
        const double bytes_per_entry =
            static_cast<double>(dict.plain_bytes()) / static_cast<double>(dict.size());
        const double bytes =
            static_cast<double>(dict.plain_bytes()) + rate * remaining * bytes_per_entry;
        if (DictionaryEncodedBytes(bytes, entries, n) >
            kDictionaryMaxRatio * static_cast<double>(plain_bytes)) {
          return false;
        }
      }
    }
    previous_size = dict.size();
    previous_checkpoint = checkpoint;
    checkpoint *= 2;
  }
  return true;
}

// The PLAIN size of the chunk's values, to weigh the dictionary against.
std::size_t PlainBytes(const ChunkView& v) {
  if (v.type == ColumnType::kString) return 4 * v.values + (v.offsets.back() - v.offsets.front());
  return 8 * v.values;
}

bool DictionaryPays(std::size_t dictionary_bytes, std::size_t entries, const ChunkView& v,
                    const WriterOptions& options) {
  if (options.dictionary == DictionaryMode::kAlways) return true;
  return DictionaryEncodedBytes(static_cast<double>(dictionary_bytes), static_cast<double>(entries),
                                v.values) <=
         kDictionaryMaxRatio * static_cast<double>(PlainBytes(v));
}

// Tries the dictionary; on success leaves ids in s.ids and the entries in s.fixed or s.strings,
// and returns the number of entries (0: write PLAIN).
std::size_t ChooseDictionary(const ChunkView& v, const WriterOptions& options, Scratch& s) {
  if (options.dictionary == DictionaryMode::kNever || v.values == 0 ||
      v.type == ColumnType::kBool) {
    return 0;
  }
  bool built = false;
  std::size_t bytes = 0, entries = 0;
  switch (v.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      built = BuildDictionary(
          s.fixed, v.values, [&](std::size_t i) { return static_cast<std::uint64_t>(v.ints[i]); },
          PlainBytes(v), options, s.ids);
      bytes = s.fixed.plain_bytes();
      entries = s.fixed.size();
      break;
    case ColumnType::kFloat64:
      built = BuildDictionary(
          s.fixed, v.values,
          [&](std::size_t i) { return std::bit_cast<std::uint64_t>(v.doubles[i]); }, PlainBytes(v),
          options, s.ids);
      bytes = s.fixed.plain_bytes();
      entries = s.fixed.size();
      break;
    case ColumnType::kString:
      built = BuildDictionary(
          s.strings, v.values,
          [&](std::size_t i) {
            return std::string_view(v.bytes + v.offsets[i], v.offsets[i + 1] - v.offsets[i]);
          },
          PlainBytes(v), options, s.ids);
      bytes = s.strings.plain_bytes();
      entries = s.strings.size();
      break;
    case ColumnType::kBool: break;
  }
  if (!built || !DictionaryPays(bytes, entries, v, options)) return 0;
  return entries;
}

void ComputeStatistics(const ChunkView& v, std::size_t dictionary_entries, const Scratch& s,
                       ColumnStatistics* stats) {
  stats->null_count = static_cast<std::int64_t>(v.defined.size() - v.values);
  // A dictionary holds each distinct value once: scanning it is cheaper than the values.
  const bool from_dictionary = dictionary_entries > 0;
  switch (v.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      if (from_dictionary) {
        SetMinMaxOfInt64Bits(s.fixed.values(), stats);
      } else {
        SetMinMax(v.ints, stats);
      }
      break;
    case ColumnType::kFloat64:
      if (from_dictionary) {
        SetMinMaxOfDoubleBits(s.fixed.values(), stats);
      } else {
        SetMinMax(v.doubles, stats);
      }
      break;
    case ColumnType::kBool: SetMinMaxOfBooleans(v.bools, stats); break;
    case ColumnType::kString:
      if (from_dictionary) {
        SetMinMaxOfByteArrays(s.strings.offsets(), s.strings.bytes(), stats);
      } else if (v.values > 0) {
        SetMinMaxOfByteArrays(v.offsets, v.bytes, stats);
      }
      break;
  }
}

// Compresses `body`, appends its header and the stored bytes to `out`, and accounts for them.
Status AppendPage(format::PageHeader& header, const ByteBuffer& body, const WriterOptions& options,
                  Scratch& s, ByteBuffer* out, ColumnChunkInfo* info) {
  constexpr std::size_t kMaxPage = std::numeric_limits<std::int32_t>::max();
  if (body.size() > kMaxPage) return Status::TooLarge("parquet page larger than 2 GiB");
  std::string_view stored = body.view();
  if (options.codec != Codec::kUncompressed) {
    INGOT_RETURN_IF_ERROR(Compress(options.codec, options.zstd_level, body.view(), &s.compressed));
    stored = s.compressed.view();
    if (stored.size() > kMaxPage) return Status::TooLarge("parquet page larger than 2 GiB");
  }
  header.__set_uncompressed_page_size(static_cast<std::int32_t>(body.size()));
  header.__set_compressed_page_size(static_cast<std::int32_t>(stored.size()));
  const std::size_t header_at = out->size();
  INGOT_RETURN_IF_ERROR(internal::AppendThrift(header, out));
  const auto header_bytes = static_cast<std::int64_t>(out->size() - header_at);
  out->Append(stored);
  info->uncompressed_bytes += header_bytes + static_cast<std::int64_t>(body.size());
  info->compressed_bytes += header_bytes + static_cast<std::int64_t>(stored.size());
  return Status::Ok();
}

Status AppendDictionaryPage(const ChunkView& v, std::size_t entries, const WriterOptions& options,
                            Scratch& s, ByteBuffer* out, ColumnChunkInfo* info) {
  s.page.clear();
  if (v.type == ColumnType::kString) {
    AppendPlainByteArrays(s.strings.offsets(), s.strings.bytes(), &s.page);
  } else {
    // Both INT64 and DOUBLE entries are kept as their 8 little-endian bytes.
    s.page.Append(s.fixed.values().data(), s.fixed.values().size_bytes());
  }
  format::DictionaryPageHeader dictionary;
  dictionary.__set_num_values(static_cast<std::int32_t>(entries));
  dictionary.__set_encoding(format::Encoding::PLAIN);
  format::PageHeader header;
  header.__set_type(format::PageType::DICTIONARY_PAGE);
  header.__set_dictionary_page_header(dictionary);
  info->dictionary_page_offset = static_cast<std::int64_t>(out->size());
  return AppendPage(header, s.page, options, s, out, info);
}

// Where the next page ends: its rows and values, from (row, value) on. The page takes rows
// until its encoded values reach `budget_bits`; each value costs `value_bits` (0: strings, whose
// PLAIN cost is 32 bits of length plus their bytes).
void NextPage(const ChunkView& v, std::size_t row, std::size_t value, std::size_t value_bits,
              std::size_t budget_bits, std::size_t* page_rows, std::size_t* page_values) {
  const std::size_t rows = v.defined.size();
  if (value_bits != 0) {
    const std::size_t max_values = std::max<std::size_t>(1, budget_bits / value_bits);
    if (v.values == rows) {  // no nulls: rows and values advance together
      *page_rows = *page_values = std::min(max_values, rows - row);
      return;
    }
    std::size_t r = row, n = 0;
    while (r < rows && n < max_values) n += v.defined[r++];
    while (r < rows && v.defined[r] == 0) ++r;  // nulls cost no value bytes: keep them here
    *page_rows = r - row;
    *page_values = n;
    return;
  }
  std::size_t r = row, n = 0, bits = 0;
  while (r < rows && bits < budget_bits) {
    if (v.defined[r++] != 0) {
      bits += 8 * (4 + v.offsets[value + n + 1] - v.offsets[value + n]);
      ++n;
    }
  }
  while (r < rows && v.defined[r] == 0) ++r;
  *page_rows = r - row;
  *page_values = n;
}

void AppendPlainValues(const ChunkView& v, std::size_t value, std::size_t n, ByteBuffer* out) {
  switch (v.type) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp: AppendPlain(v.ints.subspan(value, n), out); break;
    case ColumnType::kFloat64: AppendPlain(v.doubles.subspan(value, n), out); break;
    case ColumnType::kBool: AppendPlainBooleans(v.bools.subspan(value, n), out); break;
    case ColumnType::kString:
      AppendPlainByteArrays(v.offsets.subspan(value, n + 1), v.bytes, out);
      break;
  }
}

}  // namespace

Result<ColumnChunkInfo> EncodeColumnChunk(const model::Column* column, ColumnType type,
                                          std::size_t begin, std::size_t end,
                                          const WriterOptions& options, ByteBuffer* out) {
  Scratch& s = ThreadScratch();
  const ChunkView v = ViewChunk(column, type, begin, end, s);
  ColumnChunkInfo info;
  info.type = type;
  info.codec = options.codec;
  info.num_values = static_cast<std::int64_t>(v.defined.size());

  const std::size_t entries = ChooseDictionary(v, options, s);
  ComputeStatistics(v, entries, s, &info.statistics);
  int bit_width = 0;
  if (entries > 0) {
    info.dictionary_encoded = true;
    info.dictionary_size = static_cast<std::uint32_t>(entries);
    bit_width = BitWidthFor(static_cast<std::uint32_t>(entries - 1));
    INGOT_RETURN_IF_ERROR(AppendDictionaryPage(v, entries, options, s, out, &info));
  }

  std::size_t value_bits = 0;  // strings: per value
  if (entries > 0) {
    value_bits = static_cast<std::size_t>(bit_width);
  } else if (type == ColumnType::kBool) {
    value_bits = 1;
  } else if (type != ColumnType::kString) {
    value_bits = 64;
  }
  const std::size_t budget_bits = 8 * std::max<std::size_t>(1, options.data_page_bytes);

  info.data_page_offset = static_cast<std::int64_t>(out->size());
  std::size_t row = 0, value = 0;
  const std::size_t rows = v.defined.size();
  while (row < rows) {
    std::size_t page_rows = 0, page_values = 0;
    NextPage(v, row, value, value_bits, budget_bits, &page_rows, &page_values);
    s.page.clear();
    AppendDefinitionLevels(v.defined.subspan(row, page_rows), &s.page);
    if (entries > 0) {
      s.page.PushBack(static_cast<std::uint8_t>(bit_width));
      AppendRleHybrid(std::span<const std::uint32_t>(s.ids).subspan(value, page_values), bit_width,
                      &s.page);
    } else {
      AppendPlainValues(v, value, page_values, &s.page);
    }
    format::DataPageHeader data;
    data.__set_num_values(static_cast<std::int32_t>(page_rows));
    data.__set_encoding(entries > 0 ? format::Encoding::RLE_DICTIONARY : format::Encoding::PLAIN);
    data.__set_definition_level_encoding(format::Encoding::RLE);
    data.__set_repetition_level_encoding(format::Encoding::RLE);
    format::PageHeader header;
    header.__set_type(format::PageType::DATA_PAGE);
    header.__set_data_page_header(data);
    INGOT_RETURN_IF_ERROR(AppendPage(header, s.page, options, s, out, &info));
    ++info.data_pages;
    row += page_rows;
    value += page_values;
  }
  return info;
}

}  // namespace ingot::parquet
